using System.Data.Common;
using System.Net;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Clients;
using Tessera.Tests.Infrastructure;
using Tessera.Tests.Passcodes;
using Xunit;

namespace Tessera.Tests.Sessions;

/// <summary>
/// The write hot paths, counted in commands and transactions: each command is a round trip on PostgreSQL (where EF
/// batches a save's inserts into one) and time under the write gate on SQLite (where each insert is its own), so a
/// new one should be a decision, not an accident.
/// </summary>
public abstract class WritePathStatementTests(Backend backend, PostgresServer postgres) : PasswordlessTestBase(backend, postgres)
{
    private readonly StatementCounter _statements = new();

    private async Task<TesseraInstance> CountedInstanceAsync()
    {
        var instance = await TesseraInstance.StartAsync(Provider, ConnectionString, Clock, services: s => s.AddSingleton<IInterceptor>(_statements));
        return instance;
    }

    [Fact]
    public async Task IssuingForAnExistingProfileTakesTwoRoundTripsInOneTransaction()
    {
        await using var server = await CountedInstanceAsync();
        var uuid = Guid.NewGuid();
        Assert.Equal(HttpStatusCode.Created, (await server.SendAsync(HttpMethod.Post, "/v1/users/sessions", ApiSecret, new { uuid })).StatusCode);

        _statements.Reset();
        var metrics = server.Services.GetRequiredService<Tessera.Metrics.TesseraMetrics>();
        var before = metrics.RequestDbCommands;
        Assert.Equal(HttpStatusCode.Created, (await server.SendAsync(HttpMethod.Post, "/v1/users/sessions", ApiSecret, new { userId = uuid })).StatusCode);
        // The profile (with its row lock on PostgreSQL), the day's sessions, then the session and its audit event, as
        // one write unit outside EF (ProfileIssuance), which counts its commands: on PostgreSQL one round trip for both
        // reads, one for both inserts and the COMMIT.
        Assert.Equal(0, _statements.Statements);
        Assert.Equal(Backend == Backend.Postgres ? 2 : 4, metrics.RequestDbCommands - before);
    }

    [Fact]
    public async Task APasswordlessRoundTripForAKnownProfileTakesOneEfQueryThenOneWriteUnit()
    {
        await using var server = await CountedInstanceAsync();
        var client = await CreateClientAsync(AuthStrategy.Email);
        Assert.Equal(HttpStatusCode.Created, (await server.SendAsync(HttpMethod.Post, "/v1/profiles", ApiSecret, new { email = "known@example.com" })).StatusCode);
        var session = new { clientId = client.Id, email = "known@example.com" };
        var answer = new { clientId = client.Id, email = "known@example.com", passcode = "000000" };
        // The first sign-in verifies the profile (and revokes what came before): not the common case being counted.
        Assert.Equal(HttpStatusCode.Accepted, (await PostSessionAsync(new { session }, server: server)).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await PutSessionAsync(new { session = answer }, server: server)).StatusCode);

        Clock.Advance(TimeSpan.FromMinutes(1)); // past the resend cooldown
        var metrics = server.Services.GetRequiredService<Tessera.Metrics.TesseraMetrics>();
        // Both: the client through EF, then the write unit. PostgreSQL: two round trips (BEGIN, the locks and the one
        // read; the challenge, its message, the audit event, the send counts and COMMIT). SQLite, in a group-commit
        // transaction: the one read, the challenge, its message, the audit event and the send counts.
        await AssertCommandsAsync(() => PostSessionAsync(new { session }, server: server), HttpStatusCode.Accepted, postgresCommands: 3, sqliteCommands: 6);
        // PostgreSQL: BEGIN, the lock and the one read (challenge, budgets, profile); the session, its audit event and
        // COMMIT. SQLite: the one read, the session and its audit event.
        await AssertCommandsAsync(() => PutSessionAsync(new { session = answer }, server: server), HttpStatusCode.Created, postgresCommands: 3, sqliteCommands: 4);

        async Task AssertCommandsAsync(Func<Task<HttpResponseMessage>> send, HttpStatusCode status, int postgresCommands, int sqliteCommands)
        {
            _statements.Reset();
            var before = metrics.RequestDbCommands;
            Assert.Equal(status, (await send()).StatusCode);
            Assert.Equal(1, _statements.Statements);
            Assert.Equal(0, _statements.Transactions);
            Assert.Equal(Backend == Backend.Postgres ? postgresCommands : sqliteCommands, metrics.RequestDbCommands - before);
        }
    }

    /// <summary>Counts the commands and transactions of the request on the async flow that called <see cref="Reset"/>.</summary>
    private sealed class StatementCounter : DbCommandInterceptor, IDbTransactionInterceptor
    {
        private static readonly AsyncLocal<Box> Current = new();
        private sealed class Box { public int Statements; public int Transactions; }

        public int Statements => Current.Value?.Statements ?? 0;
        public int Transactions => Current.Value?.Transactions ?? 0;
        public void Reset() => Current.Value = new Box();

        private static void Statement() { if (Current.Value is { } box) Interlocked.Increment(ref box.Statements); }

        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            Statement();
            return base.ReaderExecutingAsync(command, eventData, result, cancellationToken);
        }

        public override ValueTask<InterceptionResult<object>> ScalarExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<object> result, CancellationToken cancellationToken = default)
        {
            Statement();
            return base.ScalarExecutingAsync(command, eventData, result, cancellationToken);
        }

        public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
        {
            Statement();
            return base.NonQueryExecutingAsync(command, eventData, result, cancellationToken);
        }

        public ValueTask<DbTransaction> TransactionStartedAsync(DbConnection connection, TransactionEndEventData eventData, DbTransaction result, CancellationToken cancellationToken = default)
        {
            if (Current.Value is { } box) Interlocked.Increment(ref box.Transactions);
            return ValueTask.FromResult(result);
        }
    }
}

public sealed class WritePathStatementTestsOnSqlite(PostgresServer postgres) : WritePathStatementTests(Backend.Sqlite, postgres);
public sealed class WritePathStatementTestsOnPostgres(PostgresServer postgres) : WritePathStatementTests(Backend.Postgres, postgres);
