//! ZIP archives: each member decoded on its own, one level deep, with a cap on the total
//! uncompressed size so a zip bomb cannot exhaust memory.

use crate::document::Body;
use std::io::{Cursor, Read};
use std::panic::{catch_unwind, AssertUnwindSafe};
use zip::ZipArchive;

/// Read the members of a ZIP. `decode_member(name, bytes)` turns one member into a body.
/// `None` when the bytes are not a readable ZIP at all.
pub fn read_zip(
    raw: &[u8],
    max_total: u64,
    max_members: usize,
    decode_member: &dyn Fn(&str, &[u8]) -> Body,
) -> Option<Vec<(String, Body)>> {
    // The zip crate has panicked on crafted archives before; contain it.
    catch_unwind(AssertUnwindSafe(|| {
        read_inner(raw, max_total, max_members, decode_member)
    }))
    .unwrap_or_else(|_| {
        tracing::warn!("zip reader panicked");
        None
    })
}

fn read_inner(
    raw: &[u8],
    max_total: u64,
    max_members: usize,
    decode_member: &dyn Fn(&str, &[u8]) -> Body,
) -> Option<Vec<(String, Body)>> {
    let mut archive = ZipArchive::new(Cursor::new(raw))
        .map_err(|e| tracing::debug!(error = %e, "not a readable zip"))
        .ok()?;
    if archive.len() > max_members {
        tracing::warn!(
            members = archive.len(),
            max_members,
            "zip has too many members; the rest are skipped"
        );
    }
    let mut members = Vec::new();
    let mut remaining = max_total;
    for i in 0..archive.len().min(max_members) {
        let mut file = match archive.by_index(i) {
            Ok(f) => f,
            Err(e) => {
                tracing::warn!(index = i, error = %e, "zip member unreadable; skipped");
                continue;
            }
        };
        if file.is_dir() {
            continue;
        }
        let name = member_name(file.name_raw(), file.name());
        // The declared size can lie: read at most one byte past the budget to detect it.
        let mut bytes = Vec::new();
        let read = (&mut file)
            .take(remaining.saturating_add(1))
            .read_to_end(&mut bytes);
        if bytes.len() as u64 > remaining {
            tracing::warn!(
                member = %name,
                max_total,
                "zip members exceed the uncompressed size cap; the rest are not decoded"
            );
            members.push((name, Body::Binary));
            break;
        }
        remaining -= bytes.len() as u64;
        let body = match read {
            Ok(_) => decode_member(&name, &bytes),
            Err(e) => {
                tracing::warn!(member = %name, error = %e, "zip member corrupt; kept as binary");
                Body::Binary
            }
        };
        members.push((name, body));
    }
    Some(members)
}

/// Member names from Japanese Windows tools are Shift_JIS without the UTF-8 flag, which the
/// zip crate reads as CP437 mojibake: decode the raw bytes ourselves when they are not UTF-8.
fn member_name(raw: &[u8], decoded: &str) -> String {
    if raw.is_ascii() {
        return decoded.to_string();
    }
    if let Ok(s) = std::str::from_utf8(raw) {
        return s.to_string();
    }
    let mut det = chardetng::EncodingDetector::new();
    det.feed(raw, true);
    let (name, _, had_errors) = det.guess(Some(b"jp"), false).decode(raw);
    if had_errors {
        decoded.to_string()
    } else {
        name.into_owned()
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::io::Write;
    use zip::write::SimpleFileOptions;
    use zip::CompressionMethod;

    /// A ZIP of `(name, bytes)` members, deflated.
    pub(crate) fn make_zip(members: &[(&str, &[u8])]) -> Vec<u8> {
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let opts = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
        for (name, bytes) in members {
            w.start_file(*name, opts).unwrap();
            w.write_all(bytes).unwrap();
        }
        w.finish().unwrap().into_inner()
    }

    fn as_text(_: &str, b: &[u8]) -> Body {
        Body::Text(String::from_utf8_lossy(b).into_owned())
    }

    #[test]
    fn reads_members() {
        let z = make_zip(&[("a.txt", b"alpha"), ("dir/b.txt", b"beta")]);
        let m = read_zip(&z, 1 << 20, 100, &as_text).unwrap();
        assert_eq!(
            m,
            vec![
                ("a.txt".to_string(), Body::Text("alpha".into())),
                ("dir/b.txt".to_string(), Body::Text("beta".into())),
            ]
        );
    }

    #[test]
    fn bomb_is_capped() {
        // 64 MiB of zeros deflates to ~64 KiB; the cap stops reading at 1 MiB.
        let zeros = vec![0u8; 64 * 1024 * 1024];
        let z = make_zip(&[
            ("small.txt", b"ok"),
            ("bomb.bin", &zeros),
            ("after.txt", b"x"),
        ]);
        assert!(z.len() < 1024 * 1024);
        let m = read_zip(&z, 1024 * 1024, 100, &as_text).unwrap();
        assert_eq!(m.len(), 2);
        assert_eq!(m[0].1, Body::Text("ok".into()));
        assert_eq!(m[1], ("bomb.bin".to_string(), Body::Binary));
    }

    #[test]
    fn member_limit_and_garbage() {
        let z = make_zip(&[("1", b"a"), ("2", b"b"), ("3", b"c")]);
        assert_eq!(read_zip(&z, 1 << 20, 2, &as_text).unwrap().len(), 2);
        assert_eq!(read_zip(b"PK\x03\x04 nope", 1 << 20, 2, &as_text), None);
    }

    #[test]
    fn shift_jis_member_names() {
        let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode("架空法人一覧.csv");
        assert_eq!(member_name(&sjis, "garbled"), "架空法人一覧.csv");
        assert_eq!(member_name(b"plain.csv", "plain.csv"), "plain.csv");
    }
}
