//! The difference between two versions of a text, line by line (a longest
//! common subsequence), as the versions page shows it.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Same,
    Removed,
    Added,
}

impl Change {
    pub fn mark(self) -> &'static str {
        match self {
            Change::Same => " ",
            Change::Removed => "−",
            Change::Added => "+",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Change::Same => "未变",
            Change::Removed => "删除",
            Change::Added => "新增",
        }
    }
    pub fn class(self) -> &'static str {
        match self {
            Change::Same => "same",
            Change::Removed => "del",
            Change::Added => "ins",
        }
    }
}

/// Lines beyond this many on either side are compared as one block
/// (keeps the table at 4M cells for a 100,000-character text).
const MAX_LINES: usize = 2000;

pub fn lines(a: &str, b: &str) -> Vec<(Change, String)> {
    let a: Vec<&str> = a.lines().collect();
    let b: Vec<&str> = b.lines().collect();
    if a.len() > MAX_LINES || b.len() > MAX_LINES {
        let mut out: Vec<(Change, String)> =
            a.iter().map(|l| (Change::Removed, l.to_string())).collect();
        out.extend(b.iter().map(|l| (Change::Added, l.to_string())));
        return out;
    }
    let (n, m) = (a.len(), b.len());
    // lcs[i][j]: longest common subsequence of a[i..] and b[j..].
    let mut lcs = vec![vec![0u32; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[i][j] = if a[i] == b[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    let mut out = Vec::with_capacity(n + m);
    while i < n && j < m {
        if a[i] == b[j] {
            out.push((Change::Same, a[i].to_string()));
            i += 1;
            j += 1;
        } else if lcs[i + 1][j] >= lcs[i][j + 1] {
            out.push((Change::Removed, a[i].to_string()));
            i += 1;
        } else {
            out.push((Change::Added, b[j].to_string()));
            j += 1;
        }
    }
    out.extend(a[i..].iter().map(|l| (Change::Removed, l.to_string())));
    out.extend(b[j..].iter().map(|l| (Change::Added, l.to_string())));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_changed_line_shows_as_removed_then_added_and_the_rest_unchanged() {
        let d = lines(
            "第一条\n第二条 十日内\n第三条",
            "第一条\n第二条 五日内\n第三条\n第四条",
        );
        let marks: Vec<(Change, &str)> = d.iter().map(|(c, l)| (*c, l.as_str())).collect();
        assert_eq!(
            marks,
            vec![
                (Change::Same, "第一条"),
                (Change::Removed, "第二条 十日内"),
                (Change::Added, "第二条 五日内"),
                (Change::Same, "第三条"),
                (Change::Added, "第四条"),
            ]
        );
    }

    #[test]
    fn identical_texts_have_no_change() {
        assert!(
            lines("甲\n乙", "甲\n乙")
                .iter()
                .all(|(c, _)| *c == Change::Same)
        );
    }
}
