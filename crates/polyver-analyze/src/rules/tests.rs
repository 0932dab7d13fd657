use super::unsatisfiable::requirements_project;
use super::*;

#[test]
fn paths() {
    assert_eq!(requirements_project("requirements/prod.txt"), "");
    assert_eq!(requirements_project("svc/requirements/prod.txt"), "svc");
    assert_eq!(requirements_project("svc/requirements.txt"), "svc");
    assert_eq!(ancestors("a/b").collect::<Vec<_>>(), ["a/b", "a", ""]);
}
