use super::*;

fn extract(text: &str) -> Extracted {
    PomExtractor.extract(&SourceFile::from_text("pom.xml", text))
}

#[test]
fn dtd_entity_is_unresolved_never_the_version() {
    let x = extract(
            "<?xml version=\"1.0\"?>\n<!DOCTYPE project [<!ENTITY v \"9.9\"> <!ENTITY ext SYSTEM \"file:///etc/passwd\">]>\n\
             <project><groupId>g</groupId><version>1.0</version>\n\
             <properties><lib.version>&v;</lib.version></properties>\n<dependencies>\n\
             <dependency><groupId>g</groupId><artifactId>a</artifactId>\n<version>&v;</version></dependency>\n\
             <dependency><groupId>g</groupId><artifactId>b</artifactId><version>${lib.version}</version></dependency>\n\
             <dependency><groupId>g</groupId><artifactId>c</artifactId><version>&ext;</version></dependency>\n\
             <dependency><groupId>R&amp;D</groupId><artifactId>d</artifactId><version>&#50;.0</version></dependency>\n\
             </dependencies></project>\n",
        );
    let by_name = |n: &str| x.components.iter().find(|c| c.name == n).unwrap();
    for (name, written) in [("g:a", "&v;"), ("g:b", "${lib.version}"), ("g:c", "&ext;")] {
        let c = by_name(name);
        assert_eq!(c.version, None, "{name}");
        assert_eq!(c.constraint.as_ref().unwrap().raw, written, "{name}");
    }
    // Predefined entities and character references decode as usual.
    assert_eq!(by_name("R&D:d").version.as_deref(), Some("2.0"));
    let lines: Vec<(u32, &str)> = x
        .diagnostics
        .iter()
        .map(|d| (d.line, d.message.as_str()))
        .collect();
    assert_eq!(lines.len(), 3, "{lines:?}");
    // At the line of each `<version>`: written there, or through a property.
    assert_eq!(lines[0].0, 7);
    assert!(lines[0]
        .1
        .contains("unresolved: the entity reference &v; is not expanded"));
    assert_eq!(lines[1].0, 8);
    assert!(lines[1].1.contains("\"${lib.version}\" unresolved"));
    assert_eq!(lines[2].0, 9);
    assert!(lines[2].1.contains("&ext;"));
}

#[test]
fn properties_and_lines() {
    let x = extract(
            "<project>\n<groupId>g</groupId><version>1.0</version>\n<properties>\n<a.version>${b}</a.version>\n<b>2.0</b>\n</properties>\n<dependencies>\n<dependency><groupId>${project.groupId}</groupId><artifactId>a</artifactId><version>${a.version}</version></dependency>\n</dependencies>\n</project>\n",
        );
    assert!(x.diagnostics.is_empty(), "{:?}", x.diagnostics);
    let c = &x.components[0];
    assert_eq!(c.name, "g:a");
    assert_eq!(c.version.as_deref(), Some("2.0"));
    assert_eq!(c.locations[0].line, 8);
}

#[test]
fn cycles_and_blowups_are_bounded() {
    let mut props = String::from("<a>${a}</a><c>${d}</c><d>${c}</d>");
    for i in 0..40 {
        props.push_str(&format!(
            "<p{i}>${{p{n}}}${{p{n}}}${{p{n}}}</p{i}>",
            n = i + 1
        ));
    }
    let x = extract(&format!(
            "<project><properties>{props}</properties><dependencies>\
             <dependency><groupId>g</groupId><artifactId>a</artifactId><version>${{a}}</version></dependency>\
             <dependency><groupId>g</groupId><artifactId>b</artifactId><version>${{c}}</version></dependency>\
             <dependency><groupId>g</groupId><artifactId>c</artifactId><version>${{p0}}</version></dependency>\
             </dependencies></project>"
        ));
    assert_eq!(x.components.len(), 3);
    assert!(x.components.iter().all(|c| c.version.is_none()));
    assert_eq!(x.diagnostics.len(), 3);
}

#[test]
fn entities_are_not_expanded() {
    let x = extract(
            "<?xml version=\"1.0\"?>\n<!DOCTYPE project [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;\">]>\n<project><dependencies><dependency><groupId>g</groupId><artifactId>&b;</artifactId><version>1</version></dependency></dependencies></project>",
        );
    assert_eq!(x.components[0].name, "g:&b;");
}

#[test]
fn managed_entries_resolve_versions_and_are_not_components() {
    let x = extract(
        "<project><groupId>com.acme</groupId><version>1.0</version>\n\
         <dependencyManagement><dependencies>\n\
         <dependency><groupId>g</groupId><artifactId>a</artifactId><version>1.5</version></dependency>\n\
         <dependency><groupId>g</groupId><artifactId>only-managed</artifactId><version>2.0</version></dependency>\n\
         <dependency><groupId>org.x</groupId><artifactId>x-bom</artifactId><version>3.0</version>\
         <type>pom</type><scope>import</scope></dependency>\n\
         </dependencies></dependencyManagement>\n\
         <dependencies><dependency><groupId>g</groupId><artifactId>a</artifactId></dependency></dependencies>\n\
         </project>\n",
    );
    let found: Vec<(&str, Option<&str>, u32, bool)> = x
        .components
        .iter()
        .map(|c| {
            (
                c.name.as_str(),
                c.version.as_deref(),
                c.locations[0].line,
                c.direct,
            )
        })
        .collect();
    // One g:a, at its declaration with the managed version; the BOM import stays.
    assert_eq!(
        found,
        vec![
            ("g:a", Some("1.5"), 7, true),
            ("org.x:x-bom", Some("3.0"), 5, true)
        ]
    );
    assert!(x.diagnostics.is_empty(), "{:?}", x.diagnostics);
}

#[test]
fn a_dependency_declared_twice_is_the_last_with_a_warning() {
    let x = extract(
        "<project><groupId>com.acme</groupId><version>1.0</version>\n\
         <dependencyManagement><dependencies>\n\
         <dependency><groupId>g</groupId><artifactId>m</artifactId><version>1.0</version></dependency>\n\
         <dependency><groupId>g</groupId><artifactId>m</artifactId><version>1.1</version></dependency>\n\
         </dependencies></dependencyManagement>\n<dependencies>\n\
         <dependency><groupId>g</groupId><artifactId>a</artifactId><version>1.0</version></dependency>\n\
         <dependency><groupId>g</groupId><artifactId>a</artifactId><version>1.0</version>\
         <classifier>linux</classifier></dependency>\n\
         <dependency><groupId>g</groupId><artifactId>a</artifactId><version>2.0</version></dependency>\n\
         <dependency><groupId>g</groupId><artifactId>m</artifactId></dependency>\n\
         </dependencies>\n<profiles><profile><dependencies>\n\
         <dependency><groupId>g</groupId><artifactId>a</artifactId><version>3.0</version></dependency>\n\
         </dependencies></profile></profiles></project>\n",
    );
    let found: Vec<(&str, Option<&str>, u32)> = x
        .components
        .iter()
        .map(|c| (c.name.as_str(), c.version.as_deref(), c.locations[0].line))
        .collect();
    // The classifier selects another artifact; a profile is its own section.
    assert_eq!(
        found,
        vec![
            ("g:a", Some("1.0"), 8),
            ("g:a", Some("2.0"), 9),
            ("g:m", Some("1.1"), 10),
            ("g:a", Some("3.0"), 13),
        ]
    );
    let warnings: Vec<(u32, &str)> = x
        .diagnostics
        .iter()
        .map(|d| (d.line, d.message.as_str()))
        .collect();
    assert_eq!(warnings.len(), 2, "{warnings:?}");
    assert_eq!(warnings[0].0, 9);
    assert!(warnings[0]
        .1
        .starts_with("g:a is declared again in <dependencies> (first at line 7)"));
    assert_eq!(warnings[1].0, 4);
    assert!(warnings[1]
        .1
        .starts_with("g:m is declared again in <dependencyManagement> (first at line 3)"));
    assert!(x
        .diagnostics
        .iter()
        .all(|d| d.severity == polyver_model::Severity::Warning));
}

/// osv-scalibr's invalid-syntax.xml: quick-xml reads `<${Id}.version>` as a tag; Maven
/// rejects the POM ("Non-parseable POM"), and so does polyver, at the tag's line.
#[test]
fn an_element_name_that_is_not_an_xml_name_is_a_syntax_error() {
    let x = extract(
        "<project>\n  <properties>\n    <${Id}.version>${project.version}</${Id}.version>\n\
         </properties>\n<dependencies><dependency><groupId>io.netty</groupId>\
         <artifactId>netty-all</artifactId><version>4.1.42.Final</version></dependency>\
         </dependencies></project>\n",
    );
    assert!(x.components.is_empty(), "{:?}", x.components);
    let errors: Vec<(u32, &str)> = x
        .diagnostics
        .iter()
        .filter(|d| d.severity == polyver_model::Severity::Error)
        .map(|d| (d.line, d.message.as_str()))
        .collect();
    assert_eq!(errors.len(), 1, "{:?}", x.diagnostics);
    assert_eq!(errors[0].0, 3);
    assert!(
        errors[0]
            .1
            .contains("`<${Id}.version>` is not an XML element name"),
        "{errors:?}"
    );
}
