//! A local MBTiles file as a tile source, for builds without the network
//! (`[maps] tiles = "cartes/val.mbtiles"`).
//!
//! MBTiles (version 1.3) is an SQLite database whose `tiles` table holds
//! each tile's image by `zoom_level`, `tile_column` and `tile_row`. Rows are
//! counted from the south (TMS), so the XYZ row `y` of a tile is stored as
//! `2^z - 1 - y`. The file is opened read-only and never written; its
//! tiles are read as they are drawn (a query by primary key each).

use std::path::Path;
use std::sync::Mutex;

use rusqlite::{Connection, OpenFlags, OptionalExtension, params};

use super::tiles::Tile;

/// A tile's image by its position.
const READ: &str =
    "SELECT tile_data FROM tiles WHERE zoom_level = ?1 AND tile_column = ?2 AND tile_row = ?3";

/// An open MBTiles file.
pub struct MbTiles {
    /// SQLite connections are not shared between threads: maps drawn in
    /// parallel take turns for a query, which is short.
    conn: Mutex<Connection>,
}

impl MbTiles {
    /// Opens `path` read-only and checks it has a `tiles` table; the
    /// error says what is wrong in words an editor can act on.
    pub fn open(path: &Path) -> Result<MbTiles, String> {
        if !path.is_file() {
            return Err("the file does not exist".into());
        }
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| format!("it cannot be opened as an SQLite database: {e}"))?;
        let tiles: Option<String> = conn
            .query_row(
                "SELECT name FROM sqlite_master WHERE name = 'tiles' AND type IN ('table', 'view')",
                [],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| format!("it is not an SQLite database: {e}"))?;
        if tiles.is_none() {
            return Err("it has no `tiles` table: it is not an MBTiles file".into());
        }
        // The query each tile takes, made once now: a `tiles` table with
        // other columns would otherwise give every tile as missing.
        conn.prepare(READ)
            .map_err(|e| format!("its `tiles` table is not the one MBTiles describes (zoom_level, tile_column, tile_row, tile_data): {e}"))?;
        Ok(MbTiles {
            conn: Mutex::new(conn),
        })
    }

    /// The row of `t` as MBTiles stores it: counted from the south.
    fn tms_row(t: Tile) -> i64 {
        (1i64 << t.z) - 1 - i64::from(t.y)
    }

    /// Whether the file holds tile `t`.
    pub fn has(&self, t: Tile) -> bool {
        let conn = self.conn.lock().unwrap_or_else(|p| p.into_inner());
        conn.query_row(
            "SELECT 1 FROM tiles WHERE zoom_level = ?1 AND tile_column = ?2 AND tile_row = ?3",
            params![t.z, t.x, Self::tms_row(t)],
            |_| Ok(()),
        )
        .optional()
        .ok()
        .flatten()
        .is_some()
    }

    /// Tile `t`'s image, as stored.
    pub fn read(&self, t: Tile) -> Option<Vec<u8>> {
        let conn = self.conn.lock().unwrap_or_else(|p| p.into_inner());
        conn.query_row(READ, params![t.z, t.x, Self::tms_row(t)], |r| r.get(0))
            .optional()
            .ok()
            .flatten()
    }
}

#[cfg(test)]
pub mod tests {
    use super::*;

    /// Writes an MBTiles file at `path` holding `tiles` (XYZ positions,
    /// stored with their rows flipped as the format says).
    pub fn write(path: &Path, tiles: &[(Tile, Vec<u8>)]) {
        let conn = Connection::open(path).unwrap();
        conn.execute_batch(
            "CREATE TABLE metadata (name TEXT, value TEXT);
             CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, tile_data BLOB);
             CREATE UNIQUE INDEX tile_index ON tiles (zoom_level, tile_column, tile_row);
             INSERT INTO metadata VALUES ('name', 'test'), ('format', 'png');",
        )
        .unwrap();
        for (t, bytes) in tiles {
            conn.execute(
                "INSERT INTO tiles VALUES (?1, ?2, ?3, ?4)",
                params![t.z, t.x, MbTiles::tms_row(*t), bytes],
            )
            .unwrap();
        }
    }

    #[test]
    fn rows_are_flipped_as_tms_counts_them() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.mbtiles");
        let t = Tile { z: 3, x: 4, y: 1 };
        write(&path, &[(t, b"north".to_vec())]);
        // Stored at row 8 - 1 - 1 = 6.
        let conn = Connection::open(&path).unwrap();
        let row: i64 = conn
            .query_row("SELECT tile_row FROM tiles", [], |r| r.get(0))
            .unwrap();
        assert_eq!(row, 6);
        let m = MbTiles::open(&path).unwrap();
        assert!(m.has(t));
        assert_eq!(m.read(t).unwrap(), b"north");
        // The tile whose XYZ row is 6 is another one.
        let other = Tile { z: 3, x: 4, y: 6 };
        assert!(!m.has(other));
        assert!(m.read(other).is_none());
    }

    #[test]
    fn a_file_that_is_not_mbtiles_is_refused_in_words() {
        let dir = tempfile::tempdir().unwrap();
        let missing = MbTiles::open(&dir.path().join("none.mbtiles"))
            .err()
            .unwrap();
        assert!(missing.contains("does not exist"), "{missing}");
        let text = dir.path().join("text.mbtiles");
        std::fs::write(&text, "not a database, just text long enough to be read").unwrap();
        let e = MbTiles::open(&text).err().unwrap();
        assert!(e.contains("not an SQLite database"), "{e}");
        let empty = dir.path().join("empty.mbtiles");
        Connection::open(&empty)
            .unwrap()
            .execute_batch("CREATE TABLE other (a INTEGER);")
            .unwrap();
        let e = MbTiles::open(&empty).err().unwrap();
        assert!(e.contains("no `tiles` table"), "{e}");
        // A `tiles` table of other columns: refused when opened, not read
        // as a file of missing tiles.
        let other = dir.path().join("other.mbtiles");
        Connection::open(&other)
            .unwrap()
            .execute_batch("CREATE TABLE tiles (z INTEGER, x INTEGER, y INTEGER, png BLOB);")
            .unwrap();
        let e = MbTiles::open(&other).err().unwrap();
        assert!(
            e.contains("zoom_level, tile_column, tile_row, tile_data"),
            "{e}"
        );
    }
}
