using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Data;
using Tessera.Delivery;
using Tessera.Tests.Infrastructure;
using Xunit;

namespace Tessera.Tests.Delivery;

/// <summary>
/// Base of the delivery suites: a fresh database on the class's backend and servers started per test with the
/// providers the test configures (several on one database, or one after another to model a restart).
/// </summary>
public abstract class DeliveryTestBase(Backend backend, PostgresServer postgres) : IAsyncLifetime
{
    protected FakeClock Clock { get; } = new();
    protected DatabaseProvider Provider { get; private set; }
    protected string ConnectionString { get; private set; } = null!;
    private readonly List<IAsyncDisposable> _owned = [];

    /// <summary>Polls every 100 ms so tests run quickly; the wake-up signal is tested with a slow poll.</summary>
    protected static Dictionary<string, string?> FastPoll => new() { ["Delivery:PollInterval"] = "00:00:00.100" };

    public async ValueTask InitializeAsync() => (Provider, ConnectionString) = await TestDatabases.CreateAsync(backend, postgres);

    protected async Task<TesseraInstance> StartServerAsync(params IDictionary<string, string?>[] settings)
    {
        var merged = new Dictionary<string, string?>();
        foreach (var part in settings) foreach (var (key, value) in part) merged[key] = value;
        var server = await TesseraInstance.StartAsync(Provider, ConnectionString, Clock, merged);
        _owned.Add(server);
        return server;
    }

    /// <summary>Stops a server, as a deploy or a crash would (its dispatcher with it).</summary>
    protected async Task StopServerAsync(TesseraInstance server)
    {
        _owned.Remove(server);
        await server.DisposeAsync();
    }

    protected async Task<T> OwnAsync<T>(Task<T> start) where T : IAsyncDisposable
    {
        var owned = await start;
        _owned.Add(owned);
        return owned;
    }

    /// <summary>What the passcode code does: enqueue in a transaction with its change, commit.</summary>
    protected static async Task<Guid> EnqueueAsync(TesseraInstance server, string environmentId, OutboxChannel channel, string recipient, MessageContent content, DateTime expiresAt)
    {
        await using var scope = server.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TesseraDbContext>();
        await using var transaction = await db.Database.BeginTransactionAsync(TestContext.Current.CancellationToken);
        var message = scope.ServiceProvider.GetRequiredService<Outbox>().Enqueue(environmentId, channel, recipient, "passcode", content, expiresAt, captureOnly: false);
        await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        await transaction.CommitAsync(TestContext.Current.CancellationToken);
        return message.Id;
    }

    protected static Task<OutboxMessage> RowAsync(TesseraInstance server, Guid id) =>
        server.WithDbAsync(db => db.OutboxMessages.AsNoTracking().SingleAsync(m => m.Id == id, TestContext.Current.CancellationToken));

    /// <summary>Polls the message until it satisfies the condition, for a bounded time.</summary>
    protected static async Task<OutboxMessage> RowWhenAsync(TesseraInstance server, Guid id, Func<OutboxMessage, bool> condition, string what, double seconds = 10)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var row = await RowAsync(server, id);
            if (condition(row)) return row;
            if (clock.Elapsed > TimeSpan.FromSeconds(seconds))
                Assert.Fail($"Timed out waiting for {what}: status {row.Status}, attempts {row.Attempts}, last error {row.LastError ?? "none"}.");
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
    }

    /// <summary>
    /// Waits until the server's dispatcher has finished two more polls: the second started after this call, so it saw
    /// every change made before it, and what it did not send no later poll will either (until the clock moves).
    /// </summary>
    protected static async Task PollsPassAsync(TesseraInstance server)
    {
        var dispatcher = server.Services.GetRequiredService<OutboxDispatcher>();
        var target = dispatcher.PollsCompleted + 2;
        await EventuallyAsync(() => Task.FromResult(dispatcher.PollsCompleted >= target), "two more outbox polls");
    }

    protected static async Task EventuallyAsync(Func<Task<bool>> condition, string what, double seconds = 10)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(seconds)) Assert.Fail($"Timed out waiting for {what}.");
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        for (var i = _owned.Count - 1; i >= 0; i--) await _owned[i].DisposeAsync();
        GC.SuppressFinalize(this);
    }
}
