using System.Text.Json;
using Tessera.Tests.Infrastructure;
using Xunit;

namespace Tessera.Tests.DataApi;

/// <summary>A token of profile A asking for profile B's records by id gets null or not-found, never data.</summary>
public abstract class GraphQLIsolationTests(Backend backend, PostgresServer postgres) : GraphQLTestBase(backend, postgres)
{
    [Fact]
    public async Task EveryQueryAndMutationSeesOnlyTheCallersOwnRows()
    {
        var mine = await SeedProfileAsync(3);
        var theirs = await SeedProfileAsync(4);
        var (otherEnvironment, otherSecret, _) = await Server.CreateEnvironmentAsync();
        var elsewhere = await SeedProfileAsync(2, otherSecret, otherEnvironment.Id);

        foreach (var victim in new[] { theirs, elsewhere })
        {
            var data = await QueryAsync(mine.Token, """
                query($c: ID!, $a: ID!, $t: ID!, $p: ID!) {
                  connection(id: $c) { id } account(id: $a) { id } transaction(id: $t) { id }
                  nc: node(id: $c) { id } na: node(id: $a) { id } nt: node(id: $t) { id } np: node(id: $p) { id }
                }
                """, new { c = victim.ConnectionId, a = victim.AccountIds[0], t = victim.TransactionIds[0], p = victim.ProfileId });
            foreach (var field in new[] { "connection", "account", "transaction", "nc", "na", "nt", "np" })
                Assert.Equal(JsonValueKind.Null, data.GetProperty(field).ValueKind);

            var filtered = await QueryAsync(mine.Token, "query($ids: [ID!]) { transactions(filter: { accountIds: $ids }) { count } accounts(filter: { connectionIds: $ids }) { id } }",
                new { ids = new[] { victim.AccountIds[0], victim.ConnectionId } });
            Assert.Equal(0, filtered.GetProperty("transactions").GetProperty("count").GetInt32());
            Assert.Empty(filtered.GetProperty("accounts").EnumerateArray());

            foreach (var (mutation, id) in new[] { ("accountUpdate", victim.AccountIds[0]), ("transactionUpdate", victim.TransactionIds[0]), ("connectionUpdate", victim.ConnectionId) })
            {
                var result = await QueryAsync(mine.Token, $$"""mutation($id: ID!) { {{mutation}}(input: { id: $id, metadata: { owned: "by me" } }) { success record { id } errors { message } } }""", new { id });
                Assert.False(result.GetProperty(mutation).GetProperty("success").GetBoolean());
                Assert.Equal(JsonValueKind.Null, result.GetProperty(mutation).GetProperty("record").ValueKind);
            }
            var disconnect = await QueryAsync(mine.Token, """mutation($id: ID!) { connectionDisconnect(input: { id: $id }) { success } }""", new { id = victim.ConnectionId });
            Assert.False(disconnect.GetProperty("connectionDisconnect").GetProperty("success").GetBoolean());
        }

        // Their data is untouched, and lists never mix.
        var own = await QueryAsync(mine.Token, "{ profile { id } connections { id } accounts { id } transactions(first: 100) { count nodes { id } } }");
        Assert.Equal(mine.ProfileId, own.GetProperty("profile").Str("id"));
        Assert.Equal([mine.ConnectionId], own.GetProperty("connections").EnumerateArray().Select(c => c.Str("id")));
        Assert.Equal(mine.AccountIds.Order(), own.GetProperty("accounts").EnumerateArray().Select(a => a.Str("id")).Order());
        Assert.Equal(3, own.GetProperty("transactions").GetProperty("count").GetInt32());
        Assert.Equal(mine.TransactionIds.Order(), own.GetProperty("transactions").GetProperty("nodes").EnumerateArray().Select(t => t.Str("id")).Order());
        var theirView = await QueryAsync(theirs.Token, "query($id: ID!) { account(id: $id) { metadata } connection(id: $c) { status } }".Replace("$c", "\"" + theirs.ConnectionId + "\""), new { id = theirs.AccountIds[0] });
        Assert.Equal(JsonValueKind.Null, theirView.GetProperty("account").GetProperty("metadata").ValueKind);
        Assert.Equal("SYNCED", theirView.GetProperty("connection").Str("status"));
    }

    [Fact]
    public async Task TheOwnerCanUpdateMetadataAndDisconnect()
    {
        var mine = await SeedProfileAsync(1);
        var updated = await QueryAsync(mine.Token, """mutation($id: ID!) { accountUpdate(input: { id: $id, metadata: { nickname: "Bills" } }) { success record { metadata } } }""", new { id = mine.AccountIds[0] });
        Assert.Equal("Bills", updated.GetProperty("accountUpdate").GetProperty("record").GetProperty("metadata").Str("nickname"));
        var disconnected = await QueryAsync(mine.Token, """mutation($id: ID!) { connectionDisconnect(input: { id: $id }) { success record { status } } }""", new { id = mine.ConnectionId });
        Assert.Equal("DISCONNECTED", disconnected.GetProperty("connectionDisconnect").GetProperty("record").Str("status"));
    }

    [Fact]
    public async Task ARevokedTokenGets401FromGraphQL()
    {
        var mine = await SeedProfileAsync(1);
        Assert.Equal(System.Net.HttpStatusCode.OK, (await PostGraphQLAsync(new { query = "{ profile { id } }" }, mine.Token)).StatusCode);
        await Server.SendAsync(HttpMethod.Delete, "/v1/users/session", mine.Token);
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, (await PostGraphQLAsync(new { query = "{ profile { id } }" }, mine.Token)).StatusCode);
    }
}

public sealed class GraphQLIsolationTestsOnSqlite(PostgresServer postgres) : GraphQLIsolationTests(Backend.Sqlite, postgres);
public sealed class GraphQLIsolationTestsOnPostgres(PostgresServer postgres) : GraphQLIsolationTests(Backend.Postgres, postgres);
