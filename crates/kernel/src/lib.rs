//! The shared kernel every Yangguang module stands on: calendar and clocks,
//! org with A/B posts, audit chain, outbox, numbering, files, database.

pub mod audit;
pub mod audit_query;
pub mod auth;
pub mod backup;
pub mod calendar;
pub mod calendar_store;
pub mod clock;
pub mod clocks;
pub mod db;
pub mod docx;
pub mod error;
pub mod figures;
pub mod files;
pub mod follow_limit;
pub mod keys;
pub mod migrate;
pub mod numbering;
pub mod org;
pub mod org_store;
pub mod otp;
pub mod outbox;
pub mod password;
pub mod perm;
pub mod perm_store;
pub mod pii;
pub mod qr;
pub mod read;
pub mod settings;
pub mod testing;
pub mod text;
pub mod timefmt;
pub mod tracking;

pub use error::{Error, Result};

use std::path::PathBuf;
use std::sync::{Arc, RwLock};

/// What every module needs: the database, the keys, the live calendar
/// and where files live. Cheap to clone.
#[derive(Clone, Debug)]
pub struct Kernel {
    pub db: db::Db,
    pub keys: Arc<keys::Keys>,
    calendar: Arc<RwLock<calendar::Calendar>>,
    pub data_dir: PathBuf,
}

impl Kernel {
    /// Opens the database, applies pending migrations and loads the
    /// calendar (built-in arrangement plus imported years and local days).
    pub async fn open(
        db: db::Db,
        keys: keys::Keys,
        data_dir: PathBuf,
        migrations: &[&[migrate::Migration]],
    ) -> Result<Kernel> {
        let mut sets: Vec<&[migrate::Migration]> = vec![migrate::KERNEL];
        sets.extend_from_slice(migrations);
        migrate::run(&db, &sets).await?;
        let cal = calendar_store::load(&db).await?;
        Ok(Kernel {
            db,
            keys: Arc::new(keys),
            calendar: Arc::new(RwLock::new(cal)),
            data_dir,
        })
    }

    /// A snapshot of the calendar in force.
    pub fn calendar(&self) -> calendar::Calendar {
        match self.calendar.read() {
            Ok(c) => c.clone(),
            Err(p) => p.into_inner().clone(),
        }
    }

    pub(crate) fn replace_calendar(&self, cal: calendar::Calendar) {
        match self.calendar.write() {
            Ok(mut c) => *c = cal,
            Err(p) => *p.into_inner() = cal,
        }
    }
}
