"""What the team asked the bot about: one counter per playbook topic per UTC day, for the weekly digest.

Only the topic id and the day are kept: never who asked, never the words of the question.
"""

from __future__ import annotations

from bot.store.connection import Repository, guarded


class TopicAsks(Repository):
    """`store.asks`: how many times each troubleshooting topic was asked about, per UTC day (`YYYY-MM-DD`)."""

    @guarded(write=True)
    def record(self, topic: str, *, day: str) -> None:
        """Count one ask of `topic` on `day`."""
        self.db.execute(
            "INSERT INTO topic_asks (day, topic, count) VALUES (?, ?, 1) "
            "ON CONFLICT (day, topic) DO UPDATE SET count = count + 1",
            [day, topic],
        )
        self.db.conn.commit()

    @guarded(write=False)
    def counts(self, start_day: str, end_day: str) -> dict[str, int]:
        """Asks per topic over the days from `start_day` (included) to `end_day` (excluded), most asked first."""
        rows = self.db.execute(
            "SELECT topic, SUM(count) AS n FROM topic_asks WHERE day >= ? AND day < ? GROUP BY topic "
            "ORDER BY n DESC, topic",
            [start_day, end_day],
        ).fetchall()
        return {str(topic): int(n) for topic, n in rows}

    @guarded(write=True)
    def forget_before(self, day: str) -> int:
        """Drop the counters of days before `day`; returns how many rows went."""
        cursor = self.db.execute("DELETE FROM topic_asks WHERE day < ?", [day])
        self.db.conn.commit()
        return cursor.rowcount
