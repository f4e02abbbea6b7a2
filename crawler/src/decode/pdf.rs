//! Text from PDF: pdf-extract first, `pdftotext -layout` (poppler) when it fails.

use std::io::{Read, Write};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// pdftotext gets this long before it is killed (a hostile PDF can make it spin).
const PDFTOTEXT_TIMEOUT: Duration = Duration::from_secs(60);

/// Extracted text, or `None` when no extractor could read the file.
pub fn extract_text(raw: &[u8]) -> Option<String> {
    let first = extract_in_process(raw);
    if first.as_deref().is_some_and(|t| !t.trim().is_empty()) {
        return first;
    }
    match pdftotext(raw) {
        Some(text) if !text.trim().is_empty() => Some(text),
        // Both empty: a scanned PDF without a text layer; still a readable (empty) text.
        other => first.or(other),
    }
}

/// pdf-extract alone, the first extractor tried (also what the fuzz target runs: pdftotext is
/// another process).
pub fn extract_in_process(raw: &[u8]) -> Option<String> {
    // pdf-extract panics on some malformed files; a panic here must not end the crawl.
    match catch_unwind(AssertUnwindSafe(|| pdf_extract::extract_text_from_mem(raw))) {
        Ok(Ok(text)) => Some(text),
        Ok(Err(e)) => {
            tracing::debug!(error = %e, "pdf-extract failed");
            None
        }
        Err(_) => {
            tracing::debug!("pdf-extract panicked");
            None
        }
    }
}

/// Run `pdftotext -layout - -`, if installed.
fn pdftotext(raw: &[u8]) -> Option<String> {
    let mut child = Command::new("pdftotext")
        .args(["-q", "-layout", "-enc", "UTF-8", "-", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| tracing::debug!(error = %e, "pdftotext not available"))
        .ok()?;
    let mut stdin = child.stdin.take()?;
    let mut stdout = child.stdout.take()?;
    let input = raw.to_vec();
    // Writer and reader run on their own threads so neither pipe can fill and deadlock.
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(&input);
    });
    let reader = std::thread::spawn(move || {
        let mut out = Vec::new();
        let _ = stdout.read_to_end(&mut out);
        out
    });
    let deadline = Instant::now() + PDFTOTEXT_TIMEOUT;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(20)),
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                tracing::warn!("pdftotext timed out");
                break None;
            }
        }
    };
    let _ = writer.join();
    let out = reader.join().ok()?;
    if status.is_some_and(|s| s.success()) {
        Some(String::from_utf8_lossy(&out).into_owned())
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A minimal one-page PDF with a Helvetica text object, offsets computed here.
    pub(crate) fn tiny_pdf(text: &str) -> Vec<u8> {
        let content = format!("BT /F1 12 Tf 72 720 Td ({text}) Tj ET");
        let objects = [
            "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>".to_string(),
            format!("<< /Length {} >>\nstream\n{content}\nendstream", content.len()),
            "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>".to_string(),
        ];
        let mut pdf = b"%PDF-1.4\n".to_vec();
        let mut offsets = Vec::new();
        for (i, obj) in objects.iter().enumerate() {
            offsets.push(pdf.len());
            pdf.extend_from_slice(format!("{} 0 obj\n{obj}\nendobj\n", i + 1).as_bytes());
        }
        let xref = pdf.len();
        pdf.extend_from_slice(
            format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
        );
        for o in offsets {
            pdf.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
        }
        pdf.extend_from_slice(
            format!(
                "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
                objects.len() + 1
            )
            .as_bytes(),
        );
        pdf
    }

    #[test]
    fn extracts_text() {
        let text = extract_text(&tiny_pdf("Improvement order 2026")).unwrap();
        assert!(text.contains("Improvement order 2026"), "{text:?}");
    }

    /// The fallback path runs only where poppler-utils is installed (CI may not have it).
    #[test]
    fn pdftotext_fallback_when_installed() {
        let installed = Command::new("pdftotext")
            .arg("-v")
            .stderr(Stdio::null())
            .status()
            .is_ok();
        let out = pdftotext(&tiny_pdf("Fallback layer 7"));
        if installed {
            assert!(out.unwrap().contains("Fallback layer 7"));
            assert_eq!(pdftotext(b"not a pdf"), None);
        } else {
            assert_eq!(out, None);
        }
    }

    #[test]
    fn garbage_does_not_panic() {
        assert_eq!(
            extract_text(b"%PDF-1.7\n1 0 obj << /Kids [ >> trailer"),
            None
        );
        assert_eq!(extract_text(b""), None);
    }
}
