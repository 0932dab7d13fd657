use super::*;

#[test]
fn every_naming_variant_and_nothing_else() {
    let x = DockerfileExtractor;
    for yes in [
        "Dockerfile",
        "dockerfile",
        "DOCKERFILE",
        "Containerfile",
        "Dockerfile.prod",
        "dockerfile.",
        "api.Dockerfile",
        "build-dockerfile",
        "svc/web/Dockerfile.dev",
        "app.containerfile",
    ] {
        assert!(x.matches(Path::new(yes)), "{yes}");
    }
    for no in [
        ".dockerignore",
        "Dockerfile.dockerignore",
        "README.md",
        "dockerfiles",
        "xdockerfile",
        "Dockerfile-dev",
        "docker-compose.yml",
        "Dockerfile/readme",
    ] {
        assert!(!x.matches(Path::new(no)), "{no}");
    }
}
