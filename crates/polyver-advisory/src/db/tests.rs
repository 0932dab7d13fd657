use super::*;
use crate::import::Imported;

fn sample(dir: &Path) -> PathBuf {
    let path = Database::file_in(dir);
    let mut imported = Imported::default();
    for (id, name) in [("A-1", "left-pad"), ("A-2", "Left_Pad"), ("B-1", "other")] {
        let json = format!(
            r#"{{"id":"{id}","summary":"s","affected":[{{"package":{{"ecosystem":"npm","name":"{name}"}},"versions":["1.0.0"]}}]}}"#
        );
        imported
            .advisories
            .push(Advisory::from_json(json.as_bytes()).unwrap());
    }
    update(&path, imported, Mode::Merge, &Origin::default(), 5).unwrap();
    path
}

#[test]
fn round_trip_and_lookup_by_normalized_name() {
    let dir = tempfile::tempdir().unwrap();
    let db = Database::open(&sample(dir.path())).unwrap();
    assert_eq!(db.advisory_count(), 3);
    let blobs = db.lookup("npm", "left-pad");
    assert_eq!(blobs.len(), 1, "npm names are lowercased, not PEP 503'd");
    assert_eq!(db.lookup("npm", "left_pad").len(), 1);
    assert!(db.lookup("PyPI", "left-pad").is_empty());
    assert_eq!(db.ecosystems()["npm"].advisories, 3);
    assert_eq!(db.ecosystems()["npm"].packages, 3);
}

#[test]
fn damaged_files_are_errors_never_panics() {
    let dir = tempfile::tempdir().unwrap();
    let path = sample(dir.path());
    let good = std::fs::read(&path).unwrap();
    let bad = dir.path().join("bad.pvdb");
    // Every truncation, and single-byte corruptions across the whole file.
    for cut in 0..good.len() {
        std::fs::write(&bad, &good[..cut]).unwrap();
        if let Ok(db) = Database::open(&bad) {
            for b in 0..db.advisory_count() as u32 {
                let _ = db.load(b);
            }
        }
    }
    for at in 0..good.len() {
        let mut damaged = good.clone();
        damaged[at] ^= 0xff;
        std::fs::write(&bad, &damaged).unwrap();
        if let Ok(db) = Database::open(&bad) {
            for b in 0..db.advisory_count() as u32 {
                let _ = db.load(b);
            }
            let _ = db.entries();
        }
    }
    assert!(matches!(
        Database::open(&dir.path().join("missing.pvdb")),
        Err(DbError::Missing(_))
    ));
}

/// Found by the `advisory_db` fuzz target: a blob offset near u64::MAX overflowed
/// `blobs_start + offset` (a panic in debug builds, a wrapped bounds check in release).
#[test]
fn a_blob_offset_near_u64_max_is_corrupt_not_an_overflow() {
    let dir = tempfile::tempdir().unwrap();
    let path = sample(dir.path());
    let mut bytes = std::fs::read(&path).unwrap();
    let meta_len = u64::from_le_bytes(bytes[8..16].try_into().unwrap());
    let meta: Meta = serde_json::from_slice(&bytes[20..20 + meta_len as usize]).unwrap();
    let table = (20 + meta_len + meta.keys_len) as usize;
    bytes[table..table + 8].copy_from_slice(&u64::MAX.to_le_bytes());
    std::fs::write(&path, &bytes).unwrap();
    let db = Database::open(&path).unwrap();
    assert!(matches!(db.load(0), Err(DbError::Corrupt { .. })));
    assert!(matches!(db.entries(), Err(DbError::Corrupt { .. })));
    assert!(matches!(
        Database::open(&dir.path().join("missing.pvdb")),
        Err(DbError::Missing(_))
    ));
}
/// The whole file is covered: no changed byte goes unnoticed by `verify`, and none
/// panics.
#[test]
fn every_changed_byte_is_found_by_verify() {
    let dir = tempfile::tempdir().unwrap();
    let path = sample(dir.path());
    let good = std::fs::read(&path).unwrap();
    assert_eq!(
        Database::open(&path).unwrap().verify().unwrap().advisories,
        3
    );
    let bad = dir.path().join("bad.pvdb");
    for at in 0..good.len() {
        for flip in [0x01, 0x80] {
            let mut damaged = good.clone();
            damaged[at] ^= flip;
            std::fs::write(&bad, &damaged).unwrap();
            let verified = Database::open(&bad).and_then(|db| db.verify());
            assert!(verified.is_err(), "byte {at} ^ {flip:#x} went unnoticed");
        }
    }
    for cut in 0..good.len() {
        std::fs::write(&bad, &good[..cut]).unwrap();
        assert!(
            Database::open(&bad).is_err(),
            "truncation at {cut} went unnoticed"
        );
    }
}

/// Found by the fault campaign: changing one byte of a `fixed` version hid an advisory
/// without a warning. The record now fails its checksum when the audit reads it.
#[test]
fn an_edited_record_is_an_error_when_read() {
    let dir = tempfile::tempdir().unwrap();
    let path = sample(dir.path());
    let mut bytes = std::fs::read(&path).unwrap();
    let at = bytes.windows(7).rposition(|w| w == b"\"1.0.0\"").unwrap();
    bytes[at + 1] = b'9';
    std::fs::write(&path, &bytes).unwrap();
    let db = Database::open(&path).expect("opening checks only the index");
    let blob = db.lookup("npm", "other")[0];
    let err = db.load(blob).unwrap_err();
    assert!(err.to_string().contains("fails its checksum"), "{err}");
    assert!(db.verify().is_err());
}

#[test]
fn a_file_of_the_previous_format_asks_for_a_rebuild() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(FILE_NAME);
    let mut old = b"PVOSVDB1".to_vec();
    old.extend_from_slice(&2u64.to_le_bytes());
    old.extend_from_slice(b"{}");
    std::fs::write(&path, &old).unwrap();
    let err = Database::open(&path).err().unwrap();
    assert!(matches!(err, DbError::OldFormat { .. }), "{err}");
    assert!(err.to_string().contains("format 1"), "{err}");
}
