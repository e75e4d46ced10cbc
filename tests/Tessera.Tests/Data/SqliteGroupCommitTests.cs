using Microsoft.Extensions.DependencyInjection;
using Tessera.Data;
using Tessera.Tests.Infrastructure;
using Xunit;

namespace Tessera.Tests.Data;

/// <summary>The group-commit loop's promises: units fail alone, a caller gone before its turn writes nothing, values and statement shapes are checked.</summary>
public sealed class SqliteGroupCommitTests(PostgresServer postgres) : TesseraTestBase(Backend.Sqlite, postgres)
{
    private SqliteGroupCommit GroupCommit => Server.Services.GetRequiredService<SqliteGroupCommit>();

    private async Task<List<string>> ScratchValuesAsync() => await GroupCommit.RunAsync(writer =>
    {
        var values = new List<string>();
        using var reader = writer.Query("SELECT value FROM group_commit_scratch ORDER BY value");
        while (reader.Read()) values.Add(reader.GetString(0));
        return values;
    }, TestContext.Current.CancellationToken);

    private Task<int> InsertAsync(string value, bool thenThrow = false, CancellationToken? cancellationToken = null) =>
        GroupCommit.RunAsync(writer =>
        {
            writer.Execute("CREATE TABLE IF NOT EXISTS group_commit_scratch (value TEXT NOT NULL)");
            writer.Execute("INSERT INTO group_commit_scratch (value) VALUES ($value)", value);
            if (thenThrow) throw new InvalidOperationException("after its insert");
            return 1;
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
    public async Task AStatementGivenTheWrongNumberOfValuesFailsItsUnitOnly()
    {
        var wrong = GroupCommit.RunAsync(writer => writer.Execute("INSERT INTO group_commit_scratch (value) VALUES ($value)", "x", "y"), TestContext.Current.CancellationToken);

        await Assert.ThrowsAsync<ArgumentException>(() => wrong);
        Assert.Equal(1, await InsertAsync("fine"));
        Assert.Equal(["fine"], await ScratchValuesAsync());
    }

    [Fact]
    public async Task GuidsAndTimesAreStoredAsEfStoresThem()
    {
        var id = Guid.NewGuid();
        var at = new DateTime(2026, 12, 3, 16, 30, 0, 125, DateTimeKind.Utc);
        Assert.Equal(1, await InsertAsync("seed"));

        var stored = await GroupCommit.RunAsync(writer =>
        {
            using var reader = writer.Query("SELECT $id, $at", id, at);
            reader.Read();
            return (reader.GetString(0), reader.GetString(1));
        }, TestContext.Current.CancellationToken);

        Assert.Equal((id.ToString("D").ToUpperInvariant(), "2026-12-03 16:30:00.125"), stored);
        await Assert.ThrowsAsync<ArgumentException>(() => GroupCommit.RunAsync(writer => writer.Execute("SELECT $at", DateTime.Now), TestContext.Current.CancellationToken));
    }
}
