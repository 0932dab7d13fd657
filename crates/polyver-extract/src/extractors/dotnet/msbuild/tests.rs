use super::*;

/// Issue 18 item 1: files in a claimed format that are not XML, and an empty version,
/// say so at their line instead of giving nothing silently.
#[test]
fn malformed_files_and_empty_versions_are_diagnosed() {
    for name in ["App.csproj", "Directory.Packages.props", "packages.config"] {
        for text in ["this is not xml\n", "", "  \n"] {
            let out = MsbuildExtractor.extract(&SourceFile::from_text(name, text));
            assert!(out.components.is_empty(), "{name} {text:?}");
            let d = &out.diagnostics[0];
            assert_eq!(
                (d.severity, d.code, d.line),
                (Severity::Error, DiagnosticCode::ParseError, 1),
                "{name} {text:?}: {d:?}"
            );
        }
    }
    let out = MsbuildExtractor.extract(&SourceFile::from_text(
        "App.csproj",
        "<Project>\n<ItemGroup>\n<PackageReference Include=\"X\" Version=\"\" />\n\
             </ItemGroup>\n</Project>\n",
    ));
    assert_eq!(out.components[0].version, None);
    assert_eq!(out.diagnostics.len(), 1, "{:?}", out.diagnostics);
    assert_eq!(out.diagnostics[0].line, 3);
    assert!(out.diagnostics[0].message.contains("empty version"));
}

#[test]
fn dtd_entity_is_unresolved_never_the_version() {
    let file = SourceFile::from_text(
        "App.csproj",
        "<!DOCTYPE Project [<!ENTITY v \"9.9\"><!ENTITY tf \"net8.0\">]>\n<Project>\n\
             <PropertyGroup><TargetFramework>&tf;</TargetFramework><Ver>&v;</Ver></PropertyGroup>\n\
             <ItemGroup>\n<PackageReference Include=\"A\" Version=\"&v;\" />\n\
             <PackageReference Include=\"B\"><Version>1.&v;</Version></PackageReference>\n\
             <PackageReference Include=\"C\" Version=\"$(Ver)\" />\n\
             <PackageReference Include=\"D&amp;E\" Version=\"&#49;.0\" />\n\
             </ItemGroup></Project>\n",
    );
    let out = MsbuildExtractor.extract(&file);
    let by_name = |n: &str| out.components.iter().find(|c| c.name == n).unwrap();
    for (name, written) in [("A", "&v;"), ("B", "1.&v;"), ("C", "&v;")] {
        let c = by_name(name);
        assert_eq!(c.version, None, "{name}");
        assert_eq!(c.constraint.as_ref().unwrap().raw, written, "{name}");
    }
    assert_eq!(by_name("D&E").version.as_deref(), Some("1.0"));
    // No `dotnet` runtime with `&tf;` as its version.
    assert!(out.components.iter().all(|c| c.name != "dotnet"));
    let lines: Vec<u32> = out
        .diagnostics
        .iter()
        .filter(|d| d.message.contains("unresolved"))
        .map(|d| d.line)
        .collect();
    // `&tf;` and `&v;` in the properties, A, B, and C through `$(Ver)`.
    assert_eq!(lines, [3, 3, 5, 6, 7], "{:?}", out.diagnostics);
}
