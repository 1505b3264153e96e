//! The README's route → permission table is the one the guard enforces:
//! every route appears with its rule, and the table lists no other route.

#[test]
fn readme_route_table_matches_the_routes_and_their_permissions() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md"))
        .expect("README.md");
    let expected: Vec<String> = yangguang_web::routes()
        .iter()
        .map(|r| format!("| {} | `{}` | {} |", r.method, r.path, r.access.describe()))
        .collect();
    let in_readme: Vec<&str> = readme
        .lines()
        .filter(|l| l.starts_with("| GET |") || l.starts_with("| POST |"))
        .collect();
    let missing: Vec<&String> = expected
        .iter()
        .filter(|e| !in_readme.contains(&e.as_str()))
        .collect();
    let extra: Vec<&&str> = in_readme
        .iter()
        .filter(|l| !expected.iter().any(|e| e == *l))
        .collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "README route table out of date.\nmissing:\n{}\nnot a route any more:\n{}\nthe whole table:\n| method | path | permission |\n|---|---|---|\n{}",
        missing
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join("\n"),
        extra.iter().map(|s| **s).collect::<Vec<_>>().join("\n"),
        expected.join("\n")
    );
}
