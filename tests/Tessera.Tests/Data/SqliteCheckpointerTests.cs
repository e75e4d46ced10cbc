using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Tessera.Data;
using Tessera.Tests.Infrastructure;
using Xunit;

namespace Tessera.Tests.Data;

/// <summary>
/// The WAL checkpointer beside the group-commit loop: commits reach the database file without the writer copying
/// them, and past the catch-up mark the checkpointer holds writers back so that the WAL starts over.
/// </summary>
public sealed class SqliteCheckpointerTests(PostgresServer postgres) : TesseraTestBase(Backend.Sqlite, postgres)
{
    private const int CatchUpPages = 8;

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Database:SqliteWalPagesBeforeCatchUp"] = CatchUpPages.ToString(),
    };

    private SqliteGroupCommit GroupCommit => Server.Services.GetRequiredService<SqliteGroupCommit>();

    private async Task InsertAsync(int kilobytes)
    {
        var types = await Server.WithDbAsync(db => Task.FromResult(StoreTypes.Of(db)));
        await GroupCommit.RunAsync(types, unit =>
        {
            unit.Execute(new Sql("CREATE TABLE IF NOT EXISTS checkpoint_scratch (value TEXT NOT NULL)"));
            unit.Execute(new Sql("INSERT INTO checkpoint_scratch (value) VALUES (@value)", ("value", new string('x', kilobytes * 1024))));
            return ValueTask.FromResult(1);
        }, TestContext.Current.CancellationToken);
    }

    /// <summary>Runs <paramref name="write"/> and returns the first checkpoint after it that matches <paramref name="wanted"/>.</summary>
    private async Task<SqliteCheckpoint> CheckpointAfterAsync(Func<Task> write, Func<SqliteCheckpoint, bool> wanted)
    {
        var seen = new TaskCompletionSource<SqliteCheckpoint>(TaskCreationOptions.RunContinuationsAsynchronously);
        Action<SqliteCheckpoint> handler = checkpoint => { if (wanted(checkpoint)) seen.TrySetResult(checkpoint); };
        var checkpointer = GroupCommit.Checkpointer!;
        checkpointer.Checkpointed += handler;
        try
        {
            await write();
            return await seen.Task.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        }
        finally
        {
            checkpointer.Checkpointed -= handler;
        }
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-4000")]
    public async Task ACatchUpMarkBelowOnePageStopsTheServerAtStart(string pages)
    {
        // With no mark the WAL would grow without bound under load: refused before the first request, by name.
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => TesseraInstance.StartAsync(Provider, ConnectionString, Clock,
            new Dictionary<string, string?> { ["Database:SqliteWalPagesBeforeCatchUp"] = pages }));
        Assert.Contains("Database:SqliteWalPagesBeforeCatchUp", error.Message);
    }

    [Fact]
    public async Task ACommitIsCopiedIntoTheDatabaseByTheCheckpointer()
    {
        // A small write stays under the catch-up mark: a passive checkpoint copies all of it, writers never held.
        var checkpoint = await CheckpointAfterAsync(() => InsertAsync(kilobytes: 1), c => c.WalPages > 0 && c.CopiedPages == c.WalPages);

        Assert.False(checkpoint.HeldWriters);
    }

    [Fact]
    public async Task PastTheCatchUpMarkTheWalIsCopiedWithWritersHeldAndStartsOver()
    {
        // Each write is over the mark on its own (32 KB of one row is eight overflow pages, plus the table's own and the schema's).
        var heldWriters = new List<SqliteCheckpoint>();
        for (var round = 0; round < 4; round++)
            heldWriters.Add(await CheckpointAfterAsync(() => InsertAsync(kilobytes: 4 * CatchUpPages), c => c.HeldWriters));

        Assert.All(heldWriters, c => Assert.True(c.WalPages >= CatchUpPages && c.CopiedPages == c.WalPages, $"{c}"));
        // Without a new start the WAL only grows from one write to the next; a fall shows it began again at its start.
        Assert.Contains(heldWriters.Zip(heldWriters.Skip(1)), pair => pair.Second.WalPages < pair.First.WalPages);
        // And the rows are all there to read.
        var rows = await GroupCommit.RunAsync(await Server.WithDbAsync(db => Task.FromResult(StoreTypes.Of(db))),
            unit => unit.ReadAsync(new Sql("SELECT count(*) FROM checkpoint_scratch"), row => row.GetInt64(0)), TestContext.Current.CancellationToken);
        Assert.Equal([4L], rows);
    }
}
