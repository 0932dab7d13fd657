use super::*;
use polyver_model::Scope;

fn extract(name: &str, text: &str) -> Extracted {
    GradleExtractor.extract(&SourceFile::from_text(name, text))
}

#[test]
fn groovy_forms() {
    let x = extract(
            "build.gradle",
            "ext {\n  springVersion = '6.1.4'\n  versions = [jackson: '2.16.1']\n}\ndependencies {\n  implementation 'com.google.guava:guava:33.0.0-jre' // c\n  api \"org.springframework:spring-core:$springVersion\"\n  implementation \"com.fasterxml.jackson.core:jackson-databind:${versions.jackson}\"\n  testImplementation group: 'junit', name: 'junit', version: '4.13.2'\n  compileOnly(\"a:b:$missing\")\n}\n",
        );
    let got: Vec<_> = x
        .components
        .iter()
        .map(|c| {
            (
                c.name.as_str(),
                c.version.as_deref(),
                c.scope,
                c.locations[0].line,
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            (
                "com.google.guava:guava",
                Some("33.0.0-jre"),
                Scope::Runtime,
                6
            ),
            (
                "org.springframework:spring-core",
                Some("6.1.4"),
                Scope::Runtime,
                7
            ),
            (
                "com.fasterxml.jackson.core:jackson-databind",
                Some("2.16.1"),
                Scope::Runtime,
                8
            ),
            ("junit:junit", Some("4.13.2"), Scope::Test, 9),
            ("a:b", None, Scope::Build, 10),
        ]
    );
    assert_eq!(x.diagnostics.len(), 1);
    assert_eq!(x.diagnostics[0].line, 10);
}
