use super::*;
use polyver_model::{Kind, Scope};

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

#[test]
fn conditional_blocks_and_protobuf_artifacts() {
    let x = extract(
        "build.gradle.kts",
        "val grpc = \"1.62.2\"\ndependencies {\n  if (useNetty) {\n    implementation(\"io.grpc:grpc-netty:$grpc\")\n  } else if (x) {\n    runtimeOnly(\"io.grpc:grpc-okhttp:$grpc\")\n  } else {\n    constraints {\n      implementation(\"com.google.guava:guava:33.0.0-jre\")\n    }\n  }\n}\nprotobuf {\n  protoc { artifact = \"com.google.protobuf:protoc:3.25.3\" }\n  plugins {\n    id(\"grpc\") { artifact = \"io.grpc:protoc-gen-grpc-java:$grpc\" }\n  }\n}\nconfigurations { artifact = \"not:a:dependency\" }\n",
    );
    let got: Vec<_> = x
        .components
        .iter()
        .map(|c| (c.kind, c.name.as_str(), c.version.as_deref(), c.direct))
        .collect();
    assert_eq!(
        got,
        vec![
            (Kind::Package, "io.grpc:grpc-netty", Some("1.62.2"), true),
            (Kind::Package, "io.grpc:grpc-okhttp", Some("1.62.2"), true),
            (
                Kind::Package,
                "com.google.guava:guava",
                Some("33.0.0-jre"),
                false
            ),
            (
                Kind::Tool,
                "com.google.protobuf:protoc",
                Some("3.25.3"),
                true
            ),
            (
                Kind::Tool,
                "io.grpc:protoc-gen-grpc-java",
                Some("1.62.2"),
                true
            ),
        ]
    );
    assert!(x.diagnostics.is_empty(), "{:?}", x.diagnostics);
}
