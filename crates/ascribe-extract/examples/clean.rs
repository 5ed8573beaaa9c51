//! Prints the clean text of a file: `cargo run -p ascribe-extract --example clean FILE`.
fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: clean FILE");
        return;
    };
    let bytes = std::fs::read(&path).unwrap_or_default();
    let c = ascribe_extract::clean(&bytes, ascribe_extract::Format::from_name(&path));
    println!(
        "wrapped={} skipped={:?} blocks={}",
        c.wrapped,
        c.skipped,
        c.blocks.len()
    );
    for b in &c.blocks {
        let t = c.text.get(b.start..b.end).unwrap_or("");
        println!(
            "--- heading={} {:?}",
            b.heading,
            t.chars().take(300).collect::<String>()
        );
    }
}
