using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Audit;
using Tessera.Data;
using Tessera.Sessions;
using Tessera.Tests.Infrastructure;
using Xunit;

namespace Tessera.Tests.Data;

/// <summary>
/// The storage contract of the hot write paths (<see cref="IWriteUnit"/>), the same on both databases: statements bind
/// by name, and a row written outside EF reads back through EF exactly as written.
/// </summary>
public abstract class WriteUnitTests(Backend backend, PostgresServer postgres) : TesseraTestBase(backend, postgres)
{
    protected async Task<T> RunAsync<T>(Func<IWriteUnit, ValueTask<T>> work)
    {
        await using var scope = Server.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<WriteUnits>().RunAsync(work, TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task ParametersBindByNameWhateverTheirOrder()
    {
        var row = await RunAsync(unit => unit.ReadAsync(new Sql("SELECT @b, @a, @b", ("a", "first"), ("b", 2L)),
            r => (r.GetInt64(0), r.GetString(1), r.GetInt64(2))));

        Assert.Equal((2L, "first", 2L), Assert.Single(row));
    }

    [Fact]
    public async Task TwoReadsInOneGoEachReturnTheirOwnRowsAfterTheQueuedLocks()
    {
        var (first, second) = await RunAsync(unit =>
        {
            unit.Lock("two reads", exclusive: true);
            return unit.ReadAsync(new Sql("SELECT @a", ("a", 1L)), r => r.GetInt64(0),
                new Sql("SELECT @b UNION ALL SELECT @b + 1", ("b", 2L)) { PlannedForItsValues = true }, r => r.GetInt64(0));
        });

        Assert.Equal([1L], first);
        Assert.Equal([2L, 3L], second);
    }

    [Theory]
    [InlineData("SELECT @a, @b", new[] { "a" })]          // one name unbound
    [InlineData("SELECT @a", new[] { "a", "a" })]         // bound twice
    [InlineData("SELECT @a", new[] { "a", "extra" })]     // a value for no name
    public async Task AStatementNotBoundExactlyOnceByNameIsRefusedBeforeItRuns(string text, string[] names)
    {
        var args = names.Select(n => (n, (object?)"x")).ToArray();

        await Assert.ThrowsAsync<ArgumentException>(() => RunAsync(unit => unit.ReadAsync(new Sql(text, args), r => r.GetValue(0))));
    }

    [Fact]
    public async Task ALocalTimeIsRefusedBeforeTheStatementRuns()
    {
        var local = new DateTime(2026, 12, 6, 12, 0, 0, DateTimeKind.Local);

        await Assert.ThrowsAsync<ArgumentException>(() => RunAsync(unit => unit.ReadAsync(new Sql("SELECT @at", ("at", local)), r => r.GetValue(0))));
    }

    [Fact]
    public async Task AnEntityInsertedOutsideEfReadsBackThroughEfUnchanged()
    {
        var profileId = await Server.WithDbAsync(async db =>
        {
            var profile = Tessera.Profiles.ProfileStore.New(Environment.Id, null, Clock.GetUtcNow().UtcDateTime);
            db.Profiles.Add(profile);
            await db.SaveChangesAsync();
            return profile.Id;
        });
        var at = new DateTime(2026, 12, 3, 16, 30, 0, 125, DateTimeKind.Utc);
        var session = new Session
        {
            Id = Guid.NewGuid(), EnvironmentId = Environment.Id, ProfileId = profileId, Kind = SessionKind.Passwordless,
            IssuedBy = "cli_test", ClientId = "cli_test", IssuedAt = at, ExpiresAt = at.AddHours(1), IpAddress = "203.0.113.9", UserAgent = "tests",
        };
        var audit = AuditLog.NewEvent(at, AuditActions.SessionIssued, "cli_test", Environment.Id, profileId, "203.0.113.9", session.Id.ToString("D"), "detail");

        await RunAsync(unit =>
        {
            unit.Insert(session);
            unit.Insert(audit);
            return ValueTask.FromResult(0);
        });

        var (stored, storedAudit, byGuid) = await Server.WithDbAsync(async db => (
            await db.Sessions.AsNoTracking().SingleAsync(s => s.Id == session.Id),
            await db.AuditEvents.AsNoTracking().SingleAsync(e => e.Subject == session.Id.ToString("D")),
            // A GUID bound by a hand-written statement matches the one EF stored.
            await db.Sessions.AsNoTracking().CountAsync(s => s.Id == session.Id && s.Kind == SessionKind.Passwordless)));
        Assert.Equivalent(session, stored, strict: true);
        Assert.Equal(1, byGuid);
        Assert.True(storedAudit.Id > 0, "the database numbers the audit event");
        Assert.Equal((audit.At, audit.Action, audit.Actor, audit.EnvironmentId, audit.ProfileId, audit.IpAddress, audit.Detail),
            (storedAudit.At, storedAudit.Action, storedAudit.Actor, storedAudit.EnvironmentId, storedAudit.ProfileId, storedAudit.IpAddress, storedAudit.Detail));

        var readBack = await RunAsync(unit => unit.ReadAsync(new Sql("SELECT kind, issued_at FROM sessions WHERE id = @id AND issued_at = @at", ("id", session.Id), ("at", at)),
            r => (r.GetString(0), DateTime.SpecifyKind(r.GetDateTime(1), DateTimeKind.Utc))));
        Assert.Equal(("Passwordless", at), Assert.Single(readBack));
    }
}

public sealed class WriteUnitTestsOnSqlite(PostgresServer postgres) : WriteUnitTests(Backend.Sqlite, postgres);
public sealed class WriteUnitTestsOnPostgres(PostgresServer postgres) : WriteUnitTests(Backend.Postgres, postgres)
{
    private static readonly Sql PlanMode = new("SELECT current_setting('plan_cache_mode')");

    [Fact]
    public async Task AStatementPlannedForItsValuesRunsWithoutAGenericPlanAndTheRestOfTheUnitAsUsual()
    {
        var modes = await RunAsync(async unit =>
        {
            unit.Lock("plan test", exclusive: true);
            var planned = await unit.ReadAsync(PlanMode with { PlannedForItsValues = true }, r => r.GetString(0));
            var later = await unit.ReadAsync(PlanMode, r => r.GetString(0));
            var (first, second) = await unit.ReadAsync(PlanMode with { PlannedForItsValues = true }, r => r.GetString(0), PlanMode, r => r.GetString(0));
            return (Assert.Single(planned), Assert.Single(later), Assert.Single(first), Assert.Single(second));
        });

        // Only the statement that asks (read alone or first of two in one round trip); the reads after it, in the same
        // transaction, are planned as PostgreSQL would (a forced custom plan would replan the foreign-key checks too).
        Assert.Equal(("force_custom_plan", "auto", "force_custom_plan", "auto"), modes);
    }
}
