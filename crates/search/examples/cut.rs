fn main() {
    let j = jieba_rs::Jieba::new();
    for a in std::env::args().skip(1) {
        let w = |v: Vec<jieba_rs::Token>| v.iter().map(|t| t.word).collect::<Vec<_>>().join("/");
        println!("{a}\n  cut hmm   {}\n  cut nohmm {}\n  search hmm {}\n  search nohmm {}", w(j.cut(&a, true)), w(j.cut(&a, false)), w(j.cut_for_search(&a, true)), w(j.cut_for_search(&a, false)));
    }
}
