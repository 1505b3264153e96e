//! The outbox: modules write events in their state-change transaction;
//! consumers (search index, notifications, statistics) follow it with a
//! cursor of their own, so each node keeps its own index current.

use sqlx::Row;
use time::OffsetDateTime;

use crate::Result;
use crate::db::{Db, WriteTx, query, query_scalar};
use crate::timefmt::rfc3339;

#[derive(Debug, Clone, PartialEq)]
pub struct OutboxEvent {
    pub id: i64,
    pub at: String,
    pub topic: String,
    pub object: String,
    pub payload: serde_json::Value,
}

fn event_from(r: &sqlx::any::AnyRow) -> Result<OutboxEvent> {
    let payload: String = r.try_get(4)?;
    Ok(OutboxEvent {
        id: r.try_get(0)?,
        at: r.try_get(1)?,
        topic: r.try_get(2)?,
        object: r.try_get(3)?,
        payload: serde_json::from_str(&payload).unwrap_or(serde_json::Value::Null),
    })
}

/// Writes an event inside the caller's transaction.
pub async fn publish(
    tx: &mut WriteTx,
    at: OffsetDateTime,
    topic: &str,
    object: &str,
    payload: &serde_json::Value,
) -> Result<i64> {
    Ok(query_scalar(
        tx.backend(),
        "INSERT INTO outbox (at, topic, object, payload) VALUES (?, ?, ?, ?) RETURNING id",
    )
    .bind(rfc3339(at))
    .bind(topic.to_string())
    .bind(object.to_string())
    .bind(payload.to_string())
    .fetch_one(tx.conn())
    .await?)
}

/// The consumer's position (0 before its first event).
pub async fn cursor(db: &Db, consumer: &str) -> Result<i64> {
    Ok(query_scalar(
        db.backend(),
        "SELECT last_id FROM outbox_cursors WHERE consumer = ?",
    )
    .bind(consumer.to_string())
    .fetch_optional(db.pool())
    .await?
    .unwrap_or(0))
}

/// Events after the consumer's cursor, oldest first.
pub async fn pending(db: &Db, consumer: &str, limit: i64) -> Result<Vec<OutboxEvent>> {
    let after = cursor(db, consumer).await?;
    let rows = query(
        db.backend(),
        "SELECT id, at, topic, object, payload FROM outbox WHERE id > ? ORDER BY id LIMIT ?",
    )
    .bind(after)
    .bind(limit)
    .fetch_all(db.pool())
    .await?;
    rows.iter().map(event_from).collect()
}

/// Moves the consumer's cursor once it has handled events up to `id`.
pub async fn ack(db: &Db, consumer: &str, id: i64, now: OffsetDateTime) -> Result<()> {
    let mut tx = db.begin().await?;
    let be = tx.backend();
    let n = query(
        be,
        "UPDATE outbox_cursors SET last_id = ?, updated_at = ? WHERE consumer = ? AND last_id < ?",
    )
    .bind(id)
    .bind(rfc3339(now))
    .bind(consumer.to_string())
    .bind(id)
    .execute(tx.conn())
    .await?
    .rows_affected();
    if n == 0 {
        let exists: i64 =
            query_scalar(be, "SELECT COUNT(*) FROM outbox_cursors WHERE consumer = ?")
                .bind(consumer.to_string())
                .fetch_one(tx.conn())
                .await?;
        if exists == 0 {
            query(
                be,
                "INSERT INTO outbox_cursors (consumer, last_id, updated_at) VALUES (?, ?, ?)",
            )
            .bind(consumer.to_string())
            .bind(id)
            .bind(rfc3339(now))
            .execute(tx.conn())
            .await?;
        }
    }
    tx.commit().await
}

/// Events with `id > after`, oldest first: for consumers that keep their
/// cursor next to what they build (a node's search index).
pub async fn after(db: &Db, after: i64, limit: i64) -> Result<Vec<OutboxEvent>> {
    let rows = query(
        db.backend(),
        "SELECT id, at, topic, object, payload FROM outbox WHERE id > ? ORDER BY id LIMIT ?",
    )
    .bind(after)
    .bind(limit)
    .fetch_all(db.pool())
    .await?;
    rows.iter().map(event_from).collect()
}

/// The newest event's id (0 when there is none).
pub async fn last_id(db: &Db) -> Result<i64> {
    Ok(
        query_scalar::<Option<i64>>(db.backend(), "SELECT MAX(id) FROM outbox")
            .fetch_one(db.pool())
            .await?
            .unwrap_or(0),
    )
}
