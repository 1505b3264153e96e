//! Rate limit on following applications: wrong number/code pairs are
//! counted per application number (and per client behind a proxy); over
//! the limit, every attempt gets the same refusal as a wrong pair. The
//! counts live in the application state (one per database).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use yangguang_webcore::AppState;

/// Failures allowed per application number in a window.
pub const PER_NUMBER: u32 = 5;
/// Failures allowed per client in a window.
pub const PER_CLIENT: u32 = 20;
pub const WINDOW: Duration = Duration::from_secs(15 * 60);
/// Without a proxy header there is no client to tell apart; the limit per
/// number alone keeps a 40-bit code out of reach (5 tries per 15 minutes).
pub const NO_CLIENT: &str = "direct";

type Counts = HashMap<String, (u32, Instant)>;

#[derive(Clone, Default)]
pub struct Limiter(Arc<Mutex<Counts>>);

impl Limiter {
    /// The state's limiter, created on first use.
    pub fn of(st: &AppState) -> Limiter {
        if let Some(l) = st.service::<Limiter>() {
            return l;
        }
        let l = Limiter::default();
        st.provide(l.clone());
        st.service::<Limiter>().unwrap_or(l)
    }

    fn with<R>(&self, f: impl FnOnce(&mut Counts) -> R) -> R {
        let mut m = match self.0.lock() {
            Ok(g) => g,
            Err(p) => p.into_inner(),
        };
        if m.len() > 100_000 {
            m.retain(|_, (_, t)| t.elapsed() < WINDOW);
        }
        f(&mut m)
    }

    pub fn allowed(&self, client: &str, app_no: &str) -> bool {
        let [n, c] = keys(client, app_no);
        self.with(|m| {
            count(m, &n) < PER_NUMBER && (client == NO_CLIENT || count(m, &c) < PER_CLIENT)
        })
    }

    pub fn failed(&self, client: &str, app_no: &str) {
        self.with(|m| {
            for k in keys(client, app_no) {
                let e = m.entry(k).or_insert((0, Instant::now()));
                if e.1.elapsed() >= WINDOW {
                    *e = (0, Instant::now());
                }
                e.0 += 1;
            }
        });
    }
}

fn keys(client: &str, app_no: &str) -> [String; 2] {
    [
        format!("n:{}", app_no.trim().to_ascii_uppercase()),
        format!("c:{client}"),
    ]
}

fn count(m: &Counts, key: &str) -> u32 {
    m.get(key)
        .filter(|(_, t)| t.elapsed() < WINDOW)
        .map(|(n, _)| *n)
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn five_wrong_codes_for_a_number_lock_it_for_everyone() {
        let l = Limiter::default();
        let no = "YSQ-2099-000001";
        for _ in 0..PER_NUMBER {
            assert!(l.allowed(NO_CLIENT, no));
            l.failed(NO_CLIENT, no);
        }
        assert!(!l.allowed("10.0.0.9", no));
        assert!(l.allowed(NO_CLIENT, "YSQ-2099-000002"));
    }

    #[test]
    fn a_client_behind_a_proxy_is_limited_across_numbers() {
        let l = Limiter::default();
        for i in 0..PER_CLIENT {
            l.failed("10.0.0.7", &format!("YSQ-2099-{i:06}"));
        }
        assert!(!l.allowed("10.0.0.7", "YSQ-2099-999999"));
        assert!(l.allowed("10.0.0.8", "YSQ-2099-999999"));
    }
}
