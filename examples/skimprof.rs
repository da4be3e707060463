use callcheck::config;
use callcheck::extract::Extractor;
use std::time::Instant;
fn main() {
    let list = std::fs::read_to_string(std::env::args().nth(1).unwrap()).unwrap();
    let dir = std::path::PathBuf::from(std::env::args().nth(2).unwrap());
    let names: Vec<&str> = list.lines().collect();
    let contents: Vec<Vec<u8>> = names
        .iter()
        .map(|p| std::fs::read(dir.join(p)).unwrap())
        .collect();
    let config = config::preset("qemu-block").unwrap();
    let r = config.recognizer(config.edges);
    let mut ex = Extractor::new(&r);
    let mut best = vec![f64::INFINITY; contents.len()];
    for _ in 0..10 {
        for (i, c) in contents.iter().enumerate() {
            let t = Instant::now();
            std::hint::black_box(ex.extract(c).uses.len());
            best[i] = best[i].min(t.elapsed().as_secs_f64() * 1e3);
        }
    }
    let mut order: Vec<usize> = (0..contents.len()).collect();
    order.sort_by(|&a, &b| best[b].partial_cmp(&best[a]).unwrap());
    let total: f64 = best.iter().sum();
    eprintln!("total {total:.1} ms");
    for &i in order.iter().take(12) {
        eprintln!(
            "{:.2} ms {} KB {:.0} MB/s {}",
            best[i],
            contents[i].len() / 1024,
            contents[i].len() as f64 / 1e3 / best[i],
            names[i]
        );
    }
}
