//! The dependency graph on arbitrary bytes (decoded lossily) scanned as `package-lock.json`:
//! building the graphs, their statistics, cycles, depths, truncation, every renderer and
//! `why` for the first nodes must never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use polyver_extract::registry::extractors;
use polyver_extract::SourceFile;
use polyver_model::{Inventory, ScanStats};
use polyver_report::render::graph_documents;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let file = SourceFile::from_text("package-lock.json", text.into_owned());
    let mut components = Vec::new();
    for extractor in extractors().iter().filter(|x| x.id() == "package-lock") {
        components.extend(extractor.extract(&file).components);
    }
    let inventory = Inventory::finish(".", components, Vec::new(), ScanStats::default());
    let graphs = polyver_graph::build(&inventory);
    for g in &graphs {
        let stats = g.stats(5);
        let _ = graph_documents::stats_json(g, &stats);
        let _ = g.cycles();
        let _ = g.depths();
        let _ = g.truncated(2);
        for id in g
            .roots()
            .take(3)
            .chain(g.find("a", None))
            .collect::<Vec<_>>()
        {
            let answer = polyver_graph::why(g, id, 10);
            let _ = graph_documents::why_json(g, &answer, 3);
        }
    }
    let _ = graph_documents::dot(&graphs);
    let _ = graph_documents::mermaid(&graphs);
    let _ = graph_documents::json_document(".", &graphs, 5);
    let _ = polyver_graph::near_matches(&graphs, "a", 3);
});
