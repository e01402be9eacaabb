using HeartRule.Persistence.Database;
using HeartRule.Persistence.Tests.Fixtures;
using Microsoft.Extensions.Logging.Abstractions;

namespace HeartRule.Persistence.Tests;

[Collection(ServersCollection.Name)]
public sealed class MigrationTests(Servers servers)
{
    private static readonly string[] AllMigrations = [.. Migrator.LoadMigrations().Select(m => m.Version)];

    [Fact]
    public async Task An_empty_database_gets_every_migration_in_order()
    {
        var db = await servers.CreateDatabaseAsync("migrate_empty");
        await using var source = Db.DataSource(db);

        var applied = await new Migrator(source, NullLogger<Migrator>.Instance).MigrateAsync(CancellationToken.None);

        Assert.Equal(AllMigrations, applied);
        Assert.Contains("0001_initial", applied);
        Assert.Contains("0002_api_reads", applied);
        foreach (var table in new[] { "scripts", "script_versions", "sessions", "messages", "turns", "variable_changes" })
            Assert.Equal(1, await Db.CountAsync(db, $"SELECT COUNT(*) FROM information_schema.tables WHERE table_name = '{table}'"));
        Assert.Equal(1, await Db.CountAsync(db, "SELECT COUNT(*) FROM information_schema.columns WHERE table_name = 'sessions' AND column_name = 'deleted_at'"));
        Assert.Equal(1, await Db.CountAsync(db, "SELECT COUNT(*) FROM pg_indexes WHERE indexname = 'ix_sessions_user_status_created'"));
    }

    [Fact]
    public async Task Running_again_applies_nothing_and_changes_nothing()
    {
        var db = await servers.CreateDatabaseAsync("migrate_twice");
        await using var source = Db.DataSource(db);
        var migrator = new Migrator(source, NullLogger<Migrator>.Instance);
        await migrator.MigrateAsync(CancellationToken.None);
        var appliedAt = await Db.ScalarAsync<DateTime>(db, "SELECT MAX(applied_at) FROM schema_migrations");

        var second = await migrator.MigrateAsync(CancellationToken.None);

        Assert.Empty(second);
        Assert.Equal(AllMigrations.Length, await Db.CountAsync(db, "SELECT COUNT(*) FROM schema_migrations"));
        Assert.Equal(appliedAt, await Db.ScalarAsync<DateTime>(db, "SELECT MAX(applied_at) FROM schema_migrations"));
    }

    [Fact]
    public async Task Each_script_s_current_version_starts_at_its_latest_published_one()
    {
        var db = await servers.CreateDatabaseAsync("migrate_current");
        await using var source = Db.DataSource(db);
        // A database as it was before the studio: one script published twice with a draft after, one with a draft only.
        await Db.ExecuteAsync(db, "CREATE TABLE schema_migrations (version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())");
        foreach (var (version, sql) in Migrator.LoadMigrations().Where(m => string.CompareOrdinal(m.Version, "0009") < 0))
        {
            await Db.ExecuteAsync(db, sql);
            await Db.ExecuteAsync(db, $"INSERT INTO schema_migrations (version) VALUES ('{version}')");
        }
        await Db.ExecuteAsync(db, """
            INSERT INTO scripts (id, kind, latest_version) VALUES ('released', 'session', 3), ('drafted', 'session', 1);
            INSERT INTO script_versions (script_id, version, yaml, published_at)
            VALUES ('released', 1, 'a', now()), ('released', 2, 'b', now()), ('released', 3, 'c', NULL), ('drafted', 1, 'd', NULL);
            """);

        var applied = await new Migrator(source, NullLogger<Migrator>.Instance).MigrateAsync(CancellationToken.None);

        Assert.Contains("0009_studio", applied);
        Assert.Equal(2, await Db.ScalarAsync<int>(db, "SELECT current_version FROM scripts WHERE id = 'released'"));
        Assert.Equal(1, await Db.CountAsync(db, "SELECT COUNT(*) FROM scripts WHERE id = 'drafted' AND current_version IS NULL"));
        // They were valid when uploaded; what they warned of was not kept.
        Assert.Equal(4, await Db.CountAsync(db, "SELECT COUNT(*) FROM script_versions WHERE error_count = 0 AND warning_count IS NULL AND findings IS NULL"));
    }

    [Fact]
    public async Task Several_instances_starting_at_once_apply_each_migration_exactly_once()
    {
        var db = await servers.CreateDatabaseAsync("migrate_race");
        var sources = Enumerable.Range(0, 5).Select(_ => Db.DataSource(db)).ToList();
        try
        {
            // Each instance has its own pool, as separate processes would.
            var results = await Task.WhenAll(sources.Select(s => Task.Run(() => new Migrator(s, NullLogger<Migrator>.Instance).MigrateAsync(CancellationToken.None))));

            Assert.Equal(AllMigrations, results.SelectMany(r => r).Order(StringComparer.Ordinal));
            Assert.Equal(AllMigrations.Length, await Db.CountAsync(db, "SELECT COUNT(*) FROM schema_migrations"));
        }
        finally
        {
            foreach (var s in sources) await s.DisposeAsync();
        }
    }
}
