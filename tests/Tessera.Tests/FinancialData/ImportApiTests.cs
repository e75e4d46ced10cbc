using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Environments;
using Tessera.FinancialData;
using Tessera.Tests.Infrastructure;
using Xunit;

namespace Tessera.Tests.FinancialData;

public abstract class ImportApiTests(Backend backend, PostgresServer postgres) : FinancialDataTestBase(backend, postgres)
{
    [Fact]
    public async Task AJsonArrayImportsAConnectionItsAccountsBalancesAndTransactionsWithParentsEarlierInTheBatch()
    {
        var (profileId, profileUuid) = await CreateProfileAsync();
        Guid conn = Guid.NewGuid(), checking = Guid.NewGuid(), card = Guid.NewGuid(), t1 = Guid.NewGuid(), t2 = Guid.NewGuid();
        var response = await ImportAsync([
            Connection(conn, profileUuid),
            Account(checking, conn),
            Account(card, conn, "Visa", "CREDIT"),
            Balance(Guid.NewGuid(), card, "2026-10-31T23:59:59Z", -15_000),
            Balance(Guid.NewGuid(), card, "2026-11-21T12:00:00-05:00", -42_517),
            Transaction(t1, checking, "2026-11-02", 450_000, "CREDIT", "Payroll"),
            Transaction(t2, card, "2026-11-03", 9_223_372_036_854_775_807, "DEBIT", "A very large purchase"),
        ]);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.JsonAsync();
        Assert.Equal(1, body.GetProperty("imported").GetProperty("connection").GetInt32());
        Assert.Equal(2, body.GetProperty("imported").GetProperty("account").GetInt32());
        Assert.Equal(2, body.GetProperty("imported").GetProperty("balance").GetInt32());
        Assert.Equal(2, body.GetProperty("imported").GetProperty("transaction").GetInt32());
        Assert.Equal(0, body.GetProperty("failed").GetInt32());
        Assert.Empty(body.GetProperty("errors").EnumerateArray());

        var connection = await DbAsync(db => db.Connections.AsNoTracking().SingleAsync(c => c.Uuid == conn));
        Assert.StartsWith("conn_", connection.Id);
        Assert.Equal(profileId, connection.ProfileId);
        Assert.Equal(Environment.Id, connection.EnvironmentId);
        Assert.Equal(ConnectionProvider.Import, connection.Provider);
        Assert.Equal("First Test Bank", connection.InstitutionName);
        Assert.Equal("https://logo.example.com/1.png", connection.InstitutionLogoUrl);
        Assert.Equal("{\"source\":\"test\"}", connection.MetadataJson);

        var visa = await DbAsync(db => db.Accounts.AsNoTracking().SingleAsync(a => a.Uuid == card));
        Assert.StartsWith("acct_", visa.Id);
        Assert.Equal(connection.Id, visa.ConnectionId);
        Assert.Equal(AccountType.Credit, visa.Type);
        Assert.Equal(AccountKind.Credit, visa.Kind);
        Assert.Equal("USD", visa.CurrencyCode);

        var latest = await DbAsync(db => db.Balances.AsNoTracking().Where(b => b.AccountId == visa.Id).OrderByDescending(b => b.At).FirstAsync());
        Assert.StartsWith("bal_", latest.Id);
        Assert.Equal(-42_517, latest.Current);
        Assert.Equal(new DateTime(2026, 11, 21, 17, 0, 0, DateTimeKind.Utc), latest.At);
        Assert.Equal(DateTimeKind.Utc, latest.At.Kind);

        var big = await DbAsync(db => db.Transactions.AsNoTracking().SingleAsync(t => t.Uuid == t2));
        Assert.StartsWith("txn_", big.Id);
        Assert.Equal(long.MaxValue, big.Amount);
        Assert.Equal(new DateOnly(2026, 11, 3), big.Date);
        Assert.Equal(EntryType.Debit, big.EntryType);
        Assert.Equal(TransactionStatus.Posted, big.Status);
        Assert.Equal("Blue Bottle", big.MerchantName);
        Assert.Equal(profileId, big.ProfileId);
        Assert.Equal(visa.Id, big.AccountId);
    }

    [Fact]
    public async Task AnNdjsonStreamImportsRecordsLineByLineAndAMalformedLineFailsAlone()
    {
        var (_, profileUuid) = await CreateProfileAsync();
        Guid conn = Guid.NewGuid(), account = Guid.NewGuid();
        var response = await ImportNdjsonAsync([
            Connection(conn, profileUuid),
            Account(account, conn),
            "",
            "{\"type\": \"transaction\", \"uuid\": ",
            Transaction(Guid.NewGuid(), account),
            JsonSerializer.Serialize(Transaction(Guid.NewGuid(), account)) + " " + JsonSerializer.Serialize(Transaction(Guid.NewGuid(), account)),
        ]);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var body = await response.JsonAsync();
        Assert.Equal(1, body.GetProperty("imported").GetProperty("transaction").GetInt32());
        Assert.Equal(1, body.GetProperty("imported").GetProperty("account").GetInt32());
        Assert.Equal(2, body.GetProperty("failed").GetInt32());
        var errors = body.GetProperty("errors").EnumerateArray().ToList();
        Assert.Equal([3, 5], errors.Select(e => e.GetProperty("index").GetInt32())); // 0-based line numbers; the blank line counts as a line
        Assert.All(errors, e => Assert.Contains("not valid JSON", e.Str("message")));
    }

    [Fact]
    public async Task ReSendingABatchKeepsTheSameIdsAddsNoDuplicatesAndAppliesChangedFields()
    {
        var (profileId, profileUuid) = await CreateProfileAsync();
        Guid conn = Guid.NewGuid(), account = Guid.NewGuid(), t1 = Guid.NewGuid(), t2 = Guid.NewGuid();
        object[] batch = [Connection(conn, profileUuid), Account(account, conn), Transaction(t1, account, description: "Coffee"), Transaction(t2, account, description: "Tea")];
        Assert.Equal(HttpStatusCode.OK, (await ImportAsync(batch)).StatusCode);
        var before = await DbAsync(db => db.Transactions.AsNoTracking().Where(t => t.ProfileId == profileId).OrderBy(t => t.Id).ToListAsync());
        var accountBefore = await DbAsync(db => db.Accounts.AsNoTracking().SingleAsync(a => a.Uuid == account));

        Clock.Advance(TimeSpan.FromMinutes(5));
        var again = await ImportAsync(batch);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(2, (await again.JsonAsync()).GetProperty("imported").GetProperty("transaction").GetInt32());
        var after = await DbAsync(db => db.Transactions.AsNoTracking().Where(t => t.ProfileId == profileId).OrderBy(t => t.Id).ToListAsync());
        Assert.Equal(before.Select(t => (t.Id, t.Uuid, t.Description, t.UpdatedAt)), after.Select(t => (t.Id, t.Uuid, t.Description, t.UpdatedAt)));
        Assert.Equal(1, await DbAsync(db => db.Accounts.CountAsync(a => a.ProfileId == profileId)));
        Assert.Equal(1, await DbAsync(db => db.Connections.CountAsync(c => c.ProfileId == profileId)));

        Clock.Advance(TimeSpan.FromMinutes(5));
        var changed = await ImportAsync([Account(account, conn, name: "Joint Checking"), Transaction(t2, account, description: "Green tea", amount: 999)]);
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        var tea = await DbAsync(db => db.Transactions.AsNoTracking().SingleAsync(t => t.Uuid == t2));
        var coffee = await DbAsync(db => db.Transactions.AsNoTracking().SingleAsync(t => t.Uuid == t1));
        Assert.Equal(before.Single(t => t.Uuid == t2).Id, tea.Id);
        Assert.Equal(("Green tea", 999L), (tea.Description, tea.Amount));
        Assert.Equal(Clock.GetUtcNow().UtcDateTime, tea.UpdatedAt);
        Assert.Equal(before.Single(t => t.Uuid == t2).CreatedAt, tea.CreatedAt);
        Assert.Equal(before.Single(t => t.Uuid == t1).UpdatedAt, coffee.UpdatedAt);
        var accountAfter = await DbAsync(db => db.Accounts.AsNoTracking().SingleAsync(a => a.Uuid == account));

        // The same uuid twice in one batch: one row, the later record's values.
        var twice = Guid.NewGuid();
        Assert.Equal(HttpStatusCode.OK, (await ImportAsync([Transaction(twice, account, description: "v1"), Transaction(twice, account, description: "v2")])).StatusCode);
        Assert.Equal("v2", Assert.Single(await DbAsync(db => db.Transactions.AsNoTracking().Where(t => t.Uuid == twice).Select(t => t.Description).ToListAsync())));
        Assert.Equal((accountBefore.Id, "Joint Checking"), (accountAfter.Id, accountAfter.Name));
        Assert.Equal(3, await CountTransactionsAsync(profileId));
    }

    [Fact]
    public async Task InvalidRecordsAreReportedByIndexAndFieldWhileTheValidOnesAreImported()
    {
        var (profileId, profileUuid) = await CreateProfileAsync();
        Guid conn = Guid.NewGuid(), account = Guid.NewGuid(), orphanAccount = Guid.NewGuid();
        var response = await ImportAsync([
            Connection(conn, profileUuid),                                                          // 0 ok
            Account(account, conn),                                                                 // 1 ok
            new { type = "transaction", uuid = Guid.NewGuid(), accountUuid = account, date = "2026-11-05", description = "No amount", entryType = "DEBIT" }, // 2
            new { type = "transaction", uuid = Guid.NewGuid(), accountUuid = account, date = "2026-02-30", description = "Bad date", amount = 1, entryType = "SIDEWAYS" }, // 3
            new { type = "transaction", uuid = Guid.NewGuid(), accountUuid = account, date = "2026-11-05", description = "Negative", amount = -5, entryType = "DEBIT", ammount = 5 }, // 4
            new { type = "account", uuid = orphanAccount, connectionUuid = Guid.NewGuid(), name = "Orphan" },   // 5 parent unknown
            Transaction(Guid.NewGuid(), orphanAccount),                                             // 6 its parent was rejected
            new { type = "budget", uuid = Guid.NewGuid() },                                         // 7
            Transaction(Guid.NewGuid(), account, "2026-11-06", 150),                                // 8 ok
            new { type = "transaction", accountUuid = account, date = "2026-11-05", description = "No uuid", amount = 1, entryType = "DEBIT" }, // 9
            new { type = "transaction", uuid = Guid.NewGuid(), accountUuid = account, date = "2026-11-05", description = "Fraction", amount = 1.5, entryType = "DEBIT" }, // 10
            "not an object",                                                                        // 11
        ]);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var body = await response.JsonAsync();
        var errors = body.GetProperty("errors").EnumerateArray().Select(e => (Index: e.GetProperty("index").GetInt32(), Field: e.Str("field"), Message: e.Str("message"))).ToList();
        Assert.Contains(errors, e => e is { Index: 2, Field: "amount" } && e.Message.Contains("required"));
        Assert.Contains(errors, e => e is { Index: 3, Field: "date" });
        Assert.Contains(errors, e => e is { Index: 3, Field: "entryType" } && e.Message.Contains("DEBIT, CREDIT"));
        Assert.Contains(errors, e => e is { Index: 4, Field: "amount" } && e.Message.Contains("non-negative"));
        Assert.Contains(errors, e => e is { Index: 4, Field: "ammount" } && e.Message.Contains("not a field"));
        Assert.Contains(errors, e => e is { Index: 5, Field: "connectionUuid" } && e.Message.Contains("no such connection"));
        Assert.Contains(errors, e => e is { Index: 6, Field: "accountUuid" });
        Assert.Contains(errors, e => e is { Index: 7, Field: "type" });
        Assert.Contains(errors, e => e is { Index: 9, Field: "uuid" });
        Assert.Contains(errors, e => e is { Index: 10, Field: "amount" });
        Assert.Contains(errors, e => e is { Index: 11, Field: "" });
        Assert.DoesNotContain(errors, e => e.Index is 0 or 1 or 8);
        Assert.Equal(9, errors.Select(e => e.Index).Distinct().Count());
        Assert.Equal(9, body.GetProperty("failed").GetInt32());

        // Not atomic (docs/adr/0002-import-batches.md): every valid record is written, no rejected one is.
        Assert.Equal(1, body.GetProperty("imported").GetProperty("transaction").GetInt32());
        Assert.Equal(1, await CountTransactionsAsync(profileId));
        Assert.Equal(1, await DbAsync(db => db.Accounts.CountAsync(a => a.ProfileId == profileId)));
        Assert.False(await DbAsync(db => db.Accounts.AnyAsync(a => a.Uuid == orphanAccount)));
    }

    [Fact]
    public async Task AParentLaterInTheBatchThanItsChildIsNotFoundByIt()
    {
        var (profileId, profileUuid) = await CreateProfileAsync();
        Guid conn = Guid.NewGuid(), account = Guid.NewGuid();
        var response = await ImportAsync([Connection(conn, profileUuid), Transaction(Guid.NewGuid(), account), Account(account, conn)]);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var error = Assert.Single((await response.JsonAsync()).GetProperty("errors").EnumerateArray());
        Assert.Equal((1, "accountUuid"), (error.GetProperty("index").GetInt32(), error.Str("field")));
        Assert.Contains("must come before", error.Str("message"));
        Assert.Equal(0, await CountTransactionsAsync(profileId));
        Assert.True(await DbAsync(db => db.Accounts.AnyAsync(a => a.Uuid == account)));
    }

    [Fact]
    public async Task RecordsNamingAnotherEnvironmentsProfileOrParentFailAndTouchNothingOfTheirs()
    {
        var (other, otherSecret, _) = await Server.CreateEnvironmentAsync();
        var (otherProfileId, otherProfileUuid) = await CreateProfileAsync(otherSecret);
        Guid otherConn = Guid.NewGuid(), otherAccount = Guid.NewGuid(), sharedTxnUuid = Guid.NewGuid();
        Assert.Equal(HttpStatusCode.OK, (await ImportAsync([Connection(otherConn, otherProfileUuid), Account(otherAccount, otherConn), Transaction(sharedTxnUuid, otherAccount, description: "Theirs")], otherSecret)).StatusCode);
        var theirAccountId = await DbAsync(db => db.Accounts.Where(a => a.Uuid == otherAccount).Select(a => a.Id).SingleAsync());
        var theirs = await DbAsync(db => db.Transactions.AsNoTracking().SingleAsync(t => t.Uuid == sharedTxnUuid));

        var (mine, myUuid) = await CreateProfileAsync();
        Guid myConn = Guid.NewGuid(), myAccount = Guid.NewGuid();
        var response = await ImportAsync([
            new { type = "connection", uuid = Guid.NewGuid(), profileId = otherProfileId },                        // 0
            new { type = "connection", uuid = Guid.NewGuid(), profileUuid = otherProfileUuid },                    // 1
            new { type = "account", uuid = Guid.NewGuid(), connectionUuid = otherConn, name = "Sneaky" },          // 2
            new { type = "transaction", uuid = Guid.NewGuid(), accountId = theirAccountId, date = "2026-11-01", description = "x", amount = 1, entryType = "DEBIT" }, // 3
            new { type = "transaction", uuid = Guid.NewGuid(), accountUuid = otherAccount, date = "2026-11-01", description = "x", amount = 1, entryType = "DEBIT" }, // 4
            Connection(myConn, myUuid), Account(myAccount, myConn),
            Transaction(sharedTxnUuid, myAccount, description: "Mine"),                                          // 7: a uuid is unique per environment only
        ]);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var errors = (await response.JsonAsync()).GetProperty("errors").EnumerateArray().Select(e => (e.GetProperty("index").GetInt32(), e.Str("field"))).ToList();
        Assert.Equal([(0, "profileId"), (1, "profileUuid"), (2, "connectionUuid"), (3, "accountId"), (4, "accountUuid")], errors);

        var theirsAfter = await DbAsync(db => db.Transactions.AsNoTracking().SingleAsync(t => t.Id == theirs.Id));
        Assert.Equal(("Theirs", theirs.UpdatedAt, otherProfileId), (theirsAfter.Description, theirsAfter.UpdatedAt, theirsAfter.ProfileId));
        Assert.Equal(1, await DbAsync(db => db.Transactions.CountAsync(t => t.EnvironmentId == other.Id)));
        Assert.Equal(1, await DbAsync(db => db.Connections.CountAsync(c => c.EnvironmentId == other.Id)));
        var myCopy = await DbAsync(db => db.Transactions.AsNoTracking().SingleAsync(t => t.Uuid == sharedTxnUuid && t.EnvironmentId == Environment.Id));
        Assert.Equal((mine, "Mine"), (myCopy.ProfileId, myCopy.Description));
    }

    [Fact]
    public async Task AUuidHeldByAnotherProfilesRecordIsRejectedRatherThanMoved()
    {
        var (first, firstUuid) = await CreateProfileAsync();
        var (second, secondUuid) = await CreateProfileAsync();
        Guid c1 = Guid.NewGuid(), a1 = Guid.NewGuid(), c2 = Guid.NewGuid(), a2 = Guid.NewGuid(), txn = Guid.NewGuid();
        Assert.Equal(HttpStatusCode.OK, (await ImportAsync([Connection(c1, firstUuid), Account(a1, c1), Transaction(txn, a1, description: "First's")])).StatusCode);

        var response = await ImportAsync([Connection(c2, secondUuid), Account(a2, c2), Transaction(txn, a2, description: "Second's"), Connection(c1, secondUuid)]);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var errors = (await response.JsonAsync()).GetProperty("errors").EnumerateArray().Select(e => (e.GetProperty("index").GetInt32(), e.Str("field"))).ToList();
        Assert.Equal([(2, "uuid"), (3, "uuid")], errors.OrderBy(e => e.Item1));
        var row = await DbAsync(db => db.Transactions.AsNoTracking().SingleAsync(t => t.Uuid == txn));
        Assert.Equal((first, "First's"), (row.ProfileId, row.Description));
        Assert.Equal(first, await DbAsync(db => db.Connections.Where(c => c.Uuid == c1).Select(c => c.ProfileId).SingleAsync()));
        Assert.Equal(0, await CountTransactionsAsync(second));

        // Within one batch too: the second profile's record with the first one's new uuid is rejected.
        var contested = Guid.NewGuid();
        var batch = await ImportAsync([Transaction(contested, a1, description: "First's"), Transaction(contested, a2, description: "Second's")]);
        var rejected = Assert.Single((await batch.JsonAsync()).GetProperty("errors").EnumerateArray());
        Assert.Equal((1, "uuid"), (rejected.GetProperty("index").GetInt32(), rejected.Str("field")));
        Assert.Equal(first, await DbAsync(db => db.Transactions.Where(t => t.Uuid == contested).Select(t => t.ProfileId).SingleAsync()));
    }

    [Fact]
    public async Task DeletingAProfileDeletesItsFinancialDataAndNoOneElses()
    {
        var (doomed, doomedUuid) = await CreateProfileAsync();
        var (kept, keptUuid) = await CreateProfileAsync();
        foreach (var profileUuid in new[] { doomedUuid, keptUuid })
        {
            Guid conn = Guid.NewGuid(), account = Guid.NewGuid();
            Assert.Equal(HttpStatusCode.OK, (await ImportAsync([Connection(conn, profileUuid), Account(account, conn), Balance(Guid.NewGuid(), account, "2026-11-01T00:00:00Z", 100),
                Transaction(Guid.NewGuid(), account), Transaction(Guid.NewGuid(), account)])).StatusCode);
        }

        Assert.Equal(HttpStatusCode.NoContent, (await Server.SendAsync(HttpMethod.Delete, $"/v1/profiles/{doomed}", ApiSecret)).StatusCode);

        Assert.Equal((0, 0, 0, 0), await DbAsync(async db => (await db.Connections.CountAsync(c => c.ProfileId == doomed), await db.Accounts.CountAsync(a => a.ProfileId == doomed),
            await db.Balances.CountAsync(b => b.ProfileId == doomed), await db.Transactions.CountAsync(t => t.ProfileId == doomed))));
        Assert.Equal((1, 1, 1, 2), await DbAsync(async db => (await db.Connections.CountAsync(c => c.ProfileId == kept), await db.Accounts.CountAsync(a => a.ProfileId == kept),
            await db.Balances.CountAsync(b => b.ProfileId == kept), await db.Transactions.CountAsync(t => t.ProfileId == kept))));
    }

    [Fact]
    public async Task AProfileDeletedDuringAnImportFailsTheRemainingRecordsWithoutAnError500()
    {
        var (profileId, profileUuid) = await CreateProfileAsync();
        Guid conn = Guid.NewGuid(), account = Guid.NewGuid();
        async IAsyncEnumerable<ImportSourceRecord> Source()
        {
            object[] parents = [Connection(conn, profileUuid), Account(account, conn)];
            for (var i = 0; i < 1500; i++)
            {
                // The first chunk (1,000 records) is written before record 1,000 is read: delete the profile then.
                if (i == 1000) Assert.Equal(HttpStatusCode.NoContent, (await Server.SendAsync(HttpMethod.Delete, $"/v1/profiles/{profileId}", ApiSecret)).StatusCode);
                yield return new ImportSourceRecord(i, JsonSerializer.SerializeToElement(i < 2 ? parents[i] : Transaction(Guid.NewGuid(), account)));
            }
        }

        await using var scope = Server.Services.CreateAsyncScope();
        var result = await scope.ServiceProvider.GetRequiredService<FinancialDataImporter>().ImportAsync(Environment.Id, Source(), TestContext.Current.CancellationToken);

        Assert.Equal(998, result.Imported["transaction"]);
        Assert.Equal(500, result.Failed);
        Assert.All(result.Errors, e => Assert.Contains("deleted during the import", e.Message));
        Assert.Equal(Enumerable.Range(1000, 500), result.Errors.Select(e => e.Index));
        Assert.Equal(0, await CountTransactionsAsync(profileId));
    }

    [Fact]
    public async Task FiveThousandTransactionsImportInChunksAndReadBackInDateOrderOnBothDatabases()
    {
        var (profileId, profileUuid) = await CreateProfileAsync();
        Guid conn = Guid.NewGuid(), account = Guid.NewGuid();
        var start = new DateOnly(2025, 1, 1);
        var records = new List<object> { Connection(conn, profileUuid), Account(account, conn) };
        // Dates out of order on purpose: the index, not the insertion order, must give the order.
        records.AddRange(Enumerable.Range(0, 5000).Select(i => Transaction(Guid.NewGuid(), account, start.AddDays(i * 7919 % 700).ToString("yyyy-MM-dd"), 100 + i)));

        var response = await ImportNdjsonAsync(records);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(5000, (await response.JsonAsync()).GetProperty("imported").GetProperty("transaction").GetInt32());
        Assert.Equal(5000, await CountTransactionsAsync(profileId));
        var dates = await DbAsync(db => db.Transactions.AsNoTracking().Where(t => t.ProfileId == profileId)
            .OrderBy(t => t.Date).ThenBy(t => t.Id).Select(t => t.Date).ToListAsync());
        Assert.Equal(dates.Order().ToList(), dates);
        Assert.Equal((start, start.AddDays(699)), (dates[0], dates[^1]));
        // Keyset: the page after a (date, id) cursor, as the GraphQL connection will ask for it.
        var cursor = await DbAsync(db => db.Transactions.AsNoTracking().Where(t => t.ProfileId == profileId).OrderBy(t => t.Date).ThenBy(t => t.Id).Skip(2499).FirstAsync());
        var next = await DbAsync(db => db.Transactions.AsNoTracking()
            .Where(t => t.ProfileId == profileId && (t.Date > cursor.Date || (t.Date == cursor.Date && string.Compare(t.Id, cursor.Id) > 0)))
            .CountAsync());
        Assert.Equal(2500, next);
    }

    [Fact]
    public async Task OversizedMalformedAndMistypedBodiesGetTheErrorBodyAndNever500()
    {
        var (profileId, profileUuid) = await CreateProfileAsync();
        var conn = Guid.NewGuid();

        // Declared too large: refused before reading.
        var huge = new ByteArrayContent(new byte[MaxBodyBytes + 1]);
        huge.Headers.ContentType = new("application/json");
        await AssertErrorAsync(await PostRawAsync(huge), HttpStatusCode.RequestEntityTooLarge, "too large");

        // Chunked (no length) and too large: refused when the limit is crossed; the records before it were written.
        var first = JsonSerializer.Serialize(Connection(conn, profileUuid));
        var padding = new StringBuilder("[" + first);
        while (padding.Length <= MaxBodyBytes) padding.Append(", ").Append(JsonSerializer.Serialize(new { type = "transaction", uuid = Guid.NewGuid(), accountUuid = Guid.NewGuid(), date = "2026-11-01", description = new string('x', 900), amount = 1, entryType = "DEBIT" }));
        padding.Append(']');
        var chunked = new StreamContent(new NonSeekableStream(Encoding.UTF8.GetBytes(padding.ToString())));
        chunked.Headers.ContentType = new("application/json");
        var tooLarge = await AssertErrorAsync(await PostRawAsync(chunked), HttpStatusCode.RequestEntityTooLarge, "too large");
        Assert.True(tooLarge.GetProperty("imported").GetProperty("connection").GetInt32() == 1, tooLarge.ToString()[..Math.Min(3000, tooLarge.ToString().Length)]);

        // Malformed JSON: 400, and the records before the syntax error were written.
        var malformed = await AssertErrorAsync(await Server.SendAsync(HttpMethod.Post, "/v1/import", ApiSecret,
            rawBody: "[" + JsonSerializer.Serialize(Connection(Guid.NewGuid(), profileUuid)) + ", {\"type\": \"account\",,]"), HttpStatusCode.BadRequest, "Malformed JSON");
        Assert.Equal(1, malformed.GetProperty("imported").GetProperty("connection").GetInt32());
        Assert.Equal(2, await DbAsync(db => db.Connections.CountAsync(c => c.ProfileId == profileId)));

        await AssertErrorAsync(await Server.SendAsync(HttpMethod.Post, "/v1/import", ApiSecret, rawBody: "{\"type\": \"connection\"}"), HttpStatusCode.BadRequest, "Malformed JSON");
        await AssertErrorAsync(await Server.SendAsync(HttpMethod.Post, "/v1/import", ApiSecret, rawBody: "[{\"a\": [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}]"), HttpStatusCode.BadRequest, "Malformed JSON");
        await AssertErrorAsync(await Server.SendAsync(HttpMethod.Post, "/v1/import", ApiSecret, rawBody: ""), HttpStatusCode.BadRequest, "empty");
        await AssertErrorAsync(await Server.SendAsync(HttpMethod.Post, "/v1/import", ApiSecret, rawBody: "[]", contentType: "text/csv"), HttpStatusCode.UnsupportedMediaType, "content type");
        await AssertErrorAsync(await Server.SendAsync(HttpMethod.Post, "/v1/import", null, rawBody: "[]"), HttpStatusCode.Unauthorized, "Not Authenticated");

        // A record over Import:MaxRecordBytes (1 MiB): an NDJSON line is skipped and reported alone; inside a JSON
        // array it cannot be skipped without reading it, so the import stops there (413).
        var longRecord = "{\"type\": \"transaction\", \"description\": \"" + new string('y', 1024 * 1024 + 10) + "\"}";
        var ndjson = await Server.SendAsync(HttpMethod.Post, "/v1/import", ApiSecret, rawBody: longRecord + "\n" + JsonSerializer.Serialize(Connection(Guid.NewGuid(), profileUuid)), contentType: "application/x-ndjson");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, ndjson.StatusCode);
        var ndjsonBody = await ndjson.JsonAsync();
        var tooLong = Assert.Single(ndjsonBody.GetProperty("errors").EnumerateArray());
        Assert.Equal(0, tooLong.GetProperty("index").GetInt32());
        Assert.Contains("larger than", tooLong.Str("message"));
        Assert.Equal(1, ndjsonBody.GetProperty("imported").GetProperty("connection").GetInt32());
        await AssertErrorAsync(await Server.SendAsync(HttpMethod.Post, "/v1/import", ApiSecret, rawBody: "[" + longRecord + "]"), HttpStatusCode.RequestEntityTooLarge, "Record too large");

        var empty = await ImportAsync([]);
        Assert.Equal(HttpStatusCode.OK, empty.StatusCode);
        Assert.Equal(0, (await empty.JsonAsync()).GetProperty("imported").GetProperty("transaction").GetInt32());
    }

    private static async Task<JsonElement> AssertErrorAsync(HttpResponseMessage response, HttpStatusCode status, string messagePart)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var body = await response.JsonAsync();
        Assert.Contains(messagePart, body.Str("message"), StringComparison.OrdinalIgnoreCase);
        Assert.False(string.IsNullOrWhiteSpace(body.Str("instruction")));
        return body;
    }

    /// <summary>A body the client cannot measure, so it is sent chunked, without Content-Length.</summary>
    private sealed class NonSeekableStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}

public sealed class ImportApiTestsOnSqlite(PostgresServer postgres) : ImportApiTests(Backend.Sqlite, postgres);
public sealed class ImportApiTestsOnPostgres(PostgresServer postgres) : ImportApiTests(Backend.Postgres, postgres);
