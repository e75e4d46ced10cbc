using Microsoft.Extensions.DependencyInjection;
using Tessera.Data;
using Tessera.Tests.Infrastructure;
using Xunit;

namespace Tessera.Tests.Data;

/// <summary>The group-commit loop's promises: units fail alone, a caller gone before its turn writes nothing, a unit may not wait on anything else.</summary>
public sealed class SqliteGroupCommitTests(PostgresServer postgres) : TesseraTestBase(Backend.Sqlite, postgres)
{
    private SqliteGroupCommit GroupCommit => Server.Services.GetRequiredService<SqliteGroupCommit>();

    private Task<StoreTypes> TypesAsync() => Server.WithDbAsync(db => Task.FromResult(StoreTypes.Of(db)));

    private async Task<List<string>> ScratchValuesAsync() => await GroupCommit.RunAsync(await TypesAsync(),
        unit => unit.ReadAsync(new Sql("SELECT value FROM group_commit_scratch ORDER BY value"), row => row.GetString(0)), TestContext.Current.CancellationToken);

    private async Task<int> InsertAsync(string value, bool thenThrow = false, CancellationToken? cancellationToken = null) =>
        await GroupCommit.RunAsync(await TypesAsync(), unit =>
        {
            unit.Execute(new Sql("CREATE TABLE IF NOT EXISTS group_commit_scratch (value TEXT NOT NULL)"));
            unit.Execute(new Sql("INSERT INTO group_commit_scratch (value) VALUES (@value)", ("value", value)));
            if (thenThrow) throw new InvalidOperationException("after its insert");
            return ValueTask.FromResult(1);
        }, cancellationToken ?? TestContext.Current.CancellationToken);

    [Fact]
    public async Task AUnitThatThrowsHasOnlyItsOwnWritesUndone()
    {
        // Queued back to back, so they usually share a batch (and the assertions hold either way).
        var first = InsertAsync("a");
        var failing = InsertAsync("b", thenThrow: true);
        var last = InsertAsync("c");

        Assert.Equal(1, await first);
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => failing);
        Assert.Equal("after its insert", error.Message);
        Assert.Equal(1, await last);
        Assert.Equal(["a", "c"], await ScratchValuesAsync());
    }

    [Fact]
    public async Task ACallerGoneBeforeItsTurnGetsNothingWritten()
    {
        using var gone = new CancellationTokenSource();
        await gone.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => InsertAsync("never", cancellationToken: gone.Token));
        Assert.Equal(1, await InsertAsync("kept"));
        Assert.Equal(["kept"], await ScratchValuesAsync());
    }

    [Fact]
    public async Task AUnitThatAwaitsSomethingElseFailsAloneWithNothingWritten()
    {
        var resumed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var lateRefused = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var waiting = GroupCommit.RunAsync(await TypesAsync(), async unit =>
        {
            unit.Execute(new Sql("CREATE TABLE IF NOT EXISTS group_commit_scratch (value TEXT NOT NULL)"));
            unit.Execute(new Sql("INSERT INTO group_commit_scratch (value) VALUES (@value)", ("value", "waited")));
            await resumed.Task;
            // Outside its turn now: a statement here would run outside the gate, on another unit's transaction.
            try
            {
                unit.Execute(new Sql("INSERT INTO group_commit_scratch (value) VALUES (@value)", ("value", "late")));
            }
            catch (InvalidOperationException)
            {
                lateRefused.SetResult();
                throw;
            }
            return 1;
        }, TestContext.Current.CancellationToken);

        await Assert.ThrowsAsync<InvalidOperationException>(() => waiting);
        resumed.SetResult();
        await lateRefused.Task.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        Assert.Equal(1, await InsertAsync("fine"));
        Assert.Equal(["fine"], await ScratchValuesAsync());
    }
}
