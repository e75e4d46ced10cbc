using System.Text.Json;
using Tessera.GraphQL.Execution;
using Tessera.GraphQL.Types;
using Xunit;
using static Tessera.GraphQL.Tests.TestHelpers;

namespace Tessera.GraphQL.Tests.Execution;

public class DataLoaderTests
{
    private sealed record Account(string Id);

    private sealed record Transaction(string Id, string AccountId, string MerchantId);

    private sealed class Store
    {
        public int AccountFetches;
        public int TransactionFetches;
        public int MerchantFetches;
        public List<IReadOnlyList<string>> TransactionBatches { get; } = [];

        public async ValueTask<IReadOnlyDictionary<string, Transaction[]>> TransactionsByAccountAsync(IReadOnlyList<string> accountIds, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref TransactionFetches);
            TransactionBatches.Add(accountIds);
            await Task.Delay(5, cancellationToken); // a real round trip
            return accountIds.ToDictionary(id => id, id => new[] { new Transaction(id + "-t1", id, "m1"), new Transaction(id + "-t2", id, "m2") });
        }

        public ValueTask<IReadOnlyDictionary<string, string>> MerchantsAsync(IReadOnlyList<string> ids, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref MerchantFetches);
            return new ValueTask<IReadOnlyDictionary<string, string>>(ids.ToDictionary(id => id, id => "Merchant " + id));
        }
    }

    private static Schema BuildSchema(Store store, int accountCount) => SchemaBuilder.FromSdl("""
            type Query { accounts: [Account!]! }
            type Account { id: ID! transactions: [Transaction!]! }
            type Transaction { id: ID! merchant: String }
            """)
        .Bind("Query", "accounts", _ =>
        {
            Interlocked.Increment(ref store.AccountFetches);
            return Enumerable.Range(1, accountCount).Select(i => new Account("acct_" + i)).ToList();
        })
        .Bind("Account", "transactions", async ctx =>
        {
            var loader = ctx.GetDataLoader<string, Transaction[]>("transactionsByAccount", store.TransactionsByAccountAsync);
            return await loader.LoadAsync(ctx.SourceAs<Account>().Id);
        })
        .Bind("Transaction", "merchant", async ctx =>
        {
            var loader = ctx.GetDataLoader<string, string>("merchants", store.MerchantsAsync);
            return await loader.LoadAsync(ctx.SourceAs<Transaction>().MerchantId);
        })
        .Build();

    [Fact]
    public async Task TransactionsOfNAccountsCostOneFetchNotN()
    {
        var store = new Store();
        var schema = BuildSchema(store, accountCount: 25);

        var result = await RunAsync(schema, "{ accounts { id transactions { id } } }");

        Assert.Null(result.Errors);
        Assert.Equal(1, store.TransactionFetches);
        Assert.Equal(25, store.TransactionBatches[0].Count);
        var json = JsonSerializer.Serialize(result.Data);
        Assert.Contains("""{"id":"acct_25","transactions":[{"id":"acct_25-t1"},{"id":"acct_25-t2"}]}""", json);
    }

    [Fact]
    public async Task EachLevelOfNestingCostsOneFetchAndRepeatedKeysAreLoadedOnce()
    {
        var store = new Store();
        var schema = BuildSchema(store, accountCount: 10);

        var result = await RunAsync(schema, "{ accounts { transactions { merchant } } }");

        Assert.Null(result.Errors);
        Assert.Equal((1, 1, 1), (store.AccountFetches, store.TransactionFetches, store.MerchantFetches));
        Assert.Contains("\"merchant\":\"Merchant m2\"", JsonSerializer.Serialize(result.Data));
    }

    [Fact]
    public async Task BatchFailuresBecomeFieldErrorsForEveryWaitingField()
    {
        var schema = SchemaBuilder.FromSdl("type Query { items: [Item] } type Item { detail: String }")
            .Bind("Query", "items", _ => new[] { 1, 2, 3 })
            .Bind("Item", "detail", async ctx =>
            {
                var loader = ctx.GetDataLoader<int, string>("details", (_, _) => throw new InvalidOperationException("backend down"));
                return await loader.LoadAsync((int)ctx.Source!);
            })
            .Build();

        var result = await RunAsync(schema, "{ items { detail } }");
        Assert.Equal(3, result.Errors!.Count);
        Assert.All(result.Errors, e => Assert.Equal("backend down", e.Message));
        Assert.Equal(["items", 2, "detail"], result.Errors[2].Path);
    }

    [Fact]
    public async Task APrimedKeyCompletesAtOnceWithoutABatchAndOthersStillBatch()
    {
        var fetched = new List<IReadOnlyList<string>>();
        var schema = SchemaBuilder.FromSdl("type Query { items: [Item!]! } type Item { id: ID! owner: String }")
            .Bind("Query", "items", ctx =>
            {
                // The parent's resolver fetched owner 1 with the items: prime it; owner 2 is left to the batch.
                Loader(ctx).Prime("o1", "Owner one");
                Loader(ctx).Prime("o1", "ignored: a primed key keeps its value");
                return new[] { new Transaction("t1", "o1", ""), new Transaction("t2", "o1", ""), new Transaction("t3", "o2", "") };
            })
            .Bind("Item", "owner", ctx =>
            {
                var load = Loader(ctx).LoadAsync(ctx.SourceAs<Transaction>().AccountId);
                Assert.Equal(ctx.SourceAs<Transaction>().AccountId == "o1", load.IsCompletedSuccessfully);
                return new ValueTask<object?>(load.ContinueWith(t => (object?)t.Result, TaskScheduler.Default));
            })
            .Build();

        DataLoader<string, string> Loader(ResolveFieldContext ctx) => ctx.GetDataLoader<string, string>("owners", (ids, _) =>
        {
            fetched.Add(ids);
            return new ValueTask<IReadOnlyDictionary<string, string>>(ids.ToDictionary(id => id, id => "Owner " + id));
        });

        var json = await RunJsonAsync(schema, "{ items { id owner } }");
        Assert.Equal("""{"data":{"items":[{"id":"t1","owner":"Owner one"},{"id":"t2","owner":"Owner one"},{"id":"t3","owner":"Owner o2"}]}}""", json);
        Assert.Equal(["o2"], Assert.Single(fetched));
    }
}
