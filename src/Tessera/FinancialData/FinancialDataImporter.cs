using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Tessera.Data;
using Tessera.Security;

namespace Tessera.FinancialData;

/// <summary>One record of an import stream: its position, and its JSON or why it could not be read.</summary>
public readonly record struct ImportSourceRecord(int Index, JsonElement Element, string? Error = null);

/// <summary>What the importer and its webhook events read of every row it writes, whatever the table.</summary>
internal interface IImportedRow
{
    string Id { get; }
    string EnvironmentId { get; }
    string ProfileId { get; }
    Guid? Uuid { get; }
}

/// <summary>What an import did: records written per type, and the records rejected with why.</summary>
public sealed record ImportResult(IReadOnlyDictionary<string, int> Imported, int Failed, IReadOnlyList<ImportError> Errors, bool ErrorsTruncated, ImportAbort? Abort);

/// <summary>Why an import stopped before the end of its input (malformed JSON, body too large).</summary>
public sealed record ImportAbort(int Status, string Message, string Instruction);

/// <summary>
/// Upserts connections, accounts, balances and transactions of one environment from a stream of records, by the
/// customer's uuid (see docs/adr/0002-import-batches.md). Streams: a chunk of records is validated, resolved and
/// written with one multi-row upsert per table in its own short write transaction, so memory stays flat and
/// SQLite's single writer is held for milliseconds at a time. A record either is written whole or is reported
/// (index, field, message); a record whose parent was rejected is rejected too (its parent is not found).
/// </summary>
public sealed class FinancialDataImporter(TesseraDbContext db, TimeProvider clock, IOptions<ImportOptions> options)
{
    private static readonly string[] ConnectionColumns =
        ["Id", "EnvironmentId", "ProfileId", "Uuid", "Provider", "Status", "InstitutionId", "InstitutionName", "InstitutionLogoUrl", "MetadataJson", "RemoteDataJson", "CreatedAt", "UpdatedAt"];
    private static readonly string[] AccountColumns =
        ["Id", "EnvironmentId", "ProfileId", "ConnectionId", "Uuid", "Name", "Mask", "Type", "Kind", "State", "CurrencyCode", "Verified", "MetadataJson", "RemoteDataJson", "CreatedAt", "UpdatedAt"];
    private static readonly string[] BalanceColumns =
        ["Id", "EnvironmentId", "ProfileId", "AccountId", "Uuid", "At", "Current", "Available", "CreditLimit", "RemoteDataJson", "CreatedAt", "UpdatedAt"];
    private static readonly string[] TransactionColumns =
        ["Id", "EnvironmentId", "ProfileId", "AccountId", "Uuid", "Date", "Description", "Amount", "CurrencyCode", "EntryType", "Status", "MerchantId", "MerchantName", "MetadataJson", "RemoteDataJson", "CreatedAt", "UpdatedAt"];
    private static readonly string[] SecurityColumns =
        ["Id", "EnvironmentId", "ProfileId", "Uuid", "Name", "Ticker", "Type", "Cusip", "Isin", "CreatedAt", "UpdatedAt"];
    private static readonly string[] HoldingColumns =
        ["Id", "EnvironmentId", "ProfileId", "AccountId", "SecurityId", "Uuid", "Quantity", "Price", "Value", "CostBasis", "At", "RemoteDataJson", "CreatedAt", "UpdatedAt"];
    // MockPdf is written false: an imported statement's PDF is the url given, never one Tessera makes up.
    private static readonly string[] StatementColumns =
        ["Id", "EnvironmentId", "ProfileId", "AccountId", "Uuid", "StartOn", "EndOn", "Url", "MockPdf", "MetadataJson", "CreatedAt", "UpdatedAt"];

    private static readonly int RecordTypes = Enum.GetValues<ImportRecordType>().Length;

    public async Task<ImportResult> ImportAsync(string environmentId, IAsyncEnumerable<ImportSourceRecord> source, CancellationToken cancellationToken)
    {
        var run = new Run(environmentId, new ImportErrorLog(options.Value.MaxErrors));
        var chunk = new List<ParsedRecord>(options.Value.ChunkSize);
        ImportAbort? abort = null;
        await using var records = source.GetAsyncEnumerator(cancellationToken);
        while (true)
        {
            try
            {
                if (!await records.MoveNextAsync()) break;
            }
            catch (ImportAbortedException ex)
            {
                // Unreadable from here on: the valid records before this point are still written, so the answer
                // is exact ("everything before the failure"), and re-sending the fixed batch is idempotent.
                abort = new ImportAbort(ex.Status, ex.Message, ex.Instruction);
                break;
            }
            var item = records.Current;
            if (item.Error is not null)
            {
                run.Log.Add(new ImportError(item.Index, null, null, "", item.Error));
                run.Log.CountFailedRecord();
                continue;
            }
            if (ImportRecordParser.Parse(item.Index, item.Element, run.Log) is { } record) chunk.Add(record);
            if (chunk.Count >= options.Value.ChunkSize)
            {
                await WriteChunkAsync(run, chunk, cancellationToken);
                chunk.Clear();
            }
        }
        if (chunk.Count > 0) await WriteChunkAsync(run, chunk, cancellationToken);
        await run.Events.FinishAsync(db, clock.GetUtcNow().UtcDateTime, cancellationToken);
        return run.Result(abort);
    }

    /// <summary>Caches and counts of one import: parents are looked up once, not once per child.</summary>
    private sealed class Run(string environmentId, ImportErrorLog log)
    {
        public string EnvironmentId { get; } = environmentId;
        public ImportErrorLog Log { get; } = log;
        public Dictionary<string, string?> ProfilesById { get; } = new(StringComparer.Ordinal);
        public Dictionary<Guid, string?> ProfilesByUuid { get; } = [];
        public Dictionary<string, Parent> ConnectionsById { get; } = new(StringComparer.Ordinal);
        public Dictionary<Guid, Parent> ConnectionsByUuid { get; } = [];
        public Dictionary<string, Parent> AccountsById { get; } = new(StringComparer.Ordinal);
        public Dictionary<Guid, Parent> AccountsByUuid { get; } = [];
        public Dictionary<string, Parent> SecuritiesById { get; } = new(StringComparer.Ordinal);
        public Dictionary<Guid, Parent> SecuritiesByUuid { get; } = [];
        public int[] Counts { get; } = new int[RecordTypes];

        public HashSet<int> RejectedInChunk { get; } = [];
        /// <summary>Profiles whose rows this chunk wrote: their <see cref="FinancialDataVersion"/> moves on with it.</summary>
        public HashSet<string> ProfilesWrittenInChunk { get; } = new(StringComparer.Ordinal);
        public Webhooks.ImportEvents Events { get; } = new();

        public void ForgetParents()
        {
            ProfilesById.Clear();
            ProfilesByUuid.Clear();
            ConnectionsById.Clear();
            ConnectionsByUuid.Clear();
            AccountsById.Clear();
            AccountsByUuid.Clear();
            SecuritiesById.Clear();
            SecuritiesByUuid.Clear();
        }

        public void Reject(ParsedRecord record, string field, string message)
        {
            RejectedInChunk.Add(record.Index);
            Log.Add(new ImportError(record.Index, record.TypeName, record.Uuid, field, message));
            Log.CountFailedRecord();
        }

        public ImportResult Result(ImportAbort? abort) => new(
            Enum.GetValues<ImportRecordType>().ToDictionary(ParsedRecord.WireType, t => Counts[(int)t]),
            Log.FailedRecords, Log.Errors, Log.Truncated, abort);
    }

    private sealed record Parent(string Id, string ProfileId, string? CurrencyCode);

    private async Task WriteChunkAsync(Run run, List<ParsedRecord> chunk, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var counts = new int[RecordTypes];
        run.RejectedInChunk.Clear();
        run.ProfilesWrittenInChunk.Clear();
        try
        {
            await using var transaction = await db.BeginWriteTransactionAsync(cancellationToken);
            await LoadProfilesAsync(run, chunk, cancellationToken);
            foreach (var segment in Segments(chunk))
            {
                await WriteConnectionsAsync(run, segment.Where(r => r.Type == ImportRecordType.Connection).ToList(), now, counts, cancellationToken);
                await WriteAccountsAsync(run, segment.Where(r => r.Type == ImportRecordType.Account).ToList(), now, counts, cancellationToken);
                await WriteSecuritiesAsync(run, segment.Where(r => r.Type == ImportRecordType.Security).ToList(), now, counts, cancellationToken);
                var children = segment.Where(r => r.Type is ImportRecordType.Balance or ImportRecordType.Transaction or ImportRecordType.Holding or ImportRecordType.Statement).ToList();
                await WriteChildrenAsync(run, children, now, counts, cancellationToken);
            }
            await FinancialDataVersions.BumpAsync(db, run.ProfilesWrittenInChunk, cancellationToken);
            await run.Events.SaveAsync(db, now, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        catch (System.Data.Common.DbException ex) when (IsForeignKeyViolation(ex))
        {
            run.Events.Discard(db);
            // A profile or parent was deleted while the import ran: the chunk rolled back. Its records are reported
            // (re-sending them is safe), and what the import remembered about parents is forgotten.
            foreach (var record in chunk.Where(r => !run.RejectedInChunk.Contains(r.Index)))
                run.Reject(record, "", "could not be written: its profile or parent was deleted during the import");
            run.ForgetParents();
            return;
        }
        for (var i = 0; i < counts.Length; i++) run.Counts[i] += counts[i];
    }

    private static bool IsForeignKeyViolation(System.Data.Common.DbException exception) => exception switch
    {
        Npgsql.PostgresException { SqlState: Npgsql.PostgresErrorCodes.ForeignKeyViolation } => true,
        Microsoft.Data.Sqlite.SqliteException { SqliteErrorCode: 19, SqliteExtendedErrorCode: 787 } => true,
        _ => false,
    };

    /// <summary>
    /// Splits a chunk so that, within each part, every connection precedes every account, which precede every
    /// balance and transaction. Each part is written table by table; a parent later in the batch than its child
    /// therefore is never visible to it, whatever the chunk boundaries: the rule is simply "parents first".
    /// </summary>
    private static IEnumerable<List<ParsedRecord>> Segments(List<ParsedRecord> chunk)
    {
        var segment = new List<ParsedRecord>();
        var level = 0;
        foreach (var record in chunk)
        {
            var recordLevel = record.Type switch { ImportRecordType.Connection => 0, ImportRecordType.Account or ImportRecordType.Security => 1, _ => 2 };
            if (recordLevel < level && segment.Count > 0)
            {
                yield return segment;
                segment = [];
            }
            level = recordLevel;
            segment.Add(record);
        }
        if (segment.Count > 0) yield return segment;
    }

    private async Task LoadProfilesAsync(Run run, List<ParsedRecord> chunk, CancellationToken cancellationToken)
    {
        var ids = chunk.Where(r => r.Profile.Id is { } id && !run.ProfilesById.ContainsKey(id)).Select(r => r.Profile.Id!).Distinct().ToList();
        var uuids = chunk.Where(r => r.Profile.Uuid is { } u && !run.ProfilesByUuid.ContainsKey(u)).Select(r => r.Profile.Uuid!.Value).Distinct().ToList();
        if (ids.Count > 0)
        {
            var found = await db.Profiles.AsNoTracking().Where(p => p.EnvironmentId == run.EnvironmentId && ids.Contains(p.Id)).Select(p => p.Id).ToListAsync(cancellationToken);
            foreach (var id in ids) run.ProfilesById[id] = null;
            foreach (var id in found) run.ProfilesById[id] = id;
        }
        if (uuids.Count > 0)
        {
            var found = await db.Profiles.AsNoTracking().Where(p => p.EnvironmentId == run.EnvironmentId && uuids.Contains(p.Uuid)).Select(p => new { p.Id, p.Uuid }).ToListAsync(cancellationToken);
            foreach (var uuid in uuids) run.ProfilesByUuid[uuid] = null;
            foreach (var p in found) run.ProfilesByUuid[p.Uuid] = p.Id;
        }
    }

    /// <summary>The profile a record names, or null (and the record rejected) when it names none of this environment.</summary>
    private static string? NamedProfile(Run run, ParsedRecord record)
    {
        if (record.Profile.Id is { } id)
        {
            if (run.ProfilesById.GetValueOrDefault(id) is { } found) return found;
            run.Reject(record, "profileId", "no such profile in this environment");
            return null;
        }
        if (run.ProfilesByUuid.GetValueOrDefault(record.Profile.Uuid!.Value) is { } byUuid) return byUuid;
        run.Reject(record, "profileUuid", "no such profile in this environment");
        return null;
    }

    /// <summary>The record's profile: the parent's, and the one it names, if it names one, must be the same.</summary>
    private static string? ChildProfile(Run run, ParsedRecord record, Parent parent, string parentName)
    {
        if (!record.Profile.IsSet) return parent.ProfileId;
        var named = NamedProfile(run, record);
        if (named is null) return null;
        if (named == parent.ProfileId) return named;
        run.Reject(record, record.Profile.Id is not null ? "profileId" : "profileUuid", $"is not the profile of the {parentName}");
        return null;
    }

    private async Task WriteConnectionsAsync(Run run, List<ParsedRecord> records, DateTime now, int[] counts, CancellationToken cancellationToken)
    {
        if (records.Count == 0) return;
        var rows = new Rows<Connection>();
        foreach (var record in records)
        {
            if (NamedProfile(run, record) is not { } profileId) continue;
            var f = (ConnectionFields)record.Fields;
            Add(rows, run, record, new Connection
            {
                Id = Ids.New(Connection.IdPrefix), EnvironmentId = run.EnvironmentId, ProfileId = profileId, Uuid = record.Uuid,
                Provider = f.Provider, Status = f.Status, InstitutionId = f.InstitutionId, InstitutionName = f.InstitutionName,
                InstitutionLogoUrl = f.InstitutionLogoUrl, MetadataJson = f.MetadataJson, RemoteDataJson = f.RemoteDataJson, CreatedAt = now, UpdatedAt = now,
            });
        }
        await UpsertAsync(run, rows, new BulkUpsert<Connection>(db, ConnectionColumns), counts, cancellationToken, (record, id, connection) =>
        {
            var parent = new Parent(id, connection.ProfileId, null);
            run.ConnectionsById[id] = parent;
            run.ConnectionsByUuid[record.Uuid] = parent;
        });
    }

    private async Task WriteAccountsAsync(Run run, List<ParsedRecord> records, DateTime now, int[] counts, CancellationToken cancellationToken)
    {
        if (records.Count == 0) return;
        await LoadParentsAsync(records, run.ConnectionsById, run.ConnectionsByUuid,
            (ids, uuids) => db.Connections.AsNoTracking()
                .Where(c => c.EnvironmentId == run.EnvironmentId && (ids.Contains(c.Id) || uuids.Contains(c.Uuid)))
                .Select(c => new LoadedParent(c.Id, c.Uuid, c.ProfileId, null)), cancellationToken);
        var rows = new Rows<Account>();
        foreach (var record in records)
        {
            if (FindParent(run, record, run.ConnectionsById, run.ConnectionsByUuid, "connection") is not { } connection) continue;
            if (ChildProfile(run, record, connection, "connection") is not { } profileId) continue;
            var f = (AccountFields)record.Fields;
            Add(rows, run, record, new Account
            {
                Id = Ids.New(Account.IdPrefix), EnvironmentId = run.EnvironmentId, ProfileId = profileId, ConnectionId = connection.Id, Uuid = record.Uuid,
                Name = f.Name, Mask = f.Mask, Type = f.Type, Kind = f.Kind, State = f.State, CurrencyCode = f.CurrencyCode, Verified = f.Verified,
                MetadataJson = f.MetadataJson, RemoteDataJson = f.RemoteDataJson, CreatedAt = now, UpdatedAt = now,
            });
        }
        await UpsertAsync(run, rows, new BulkUpsert<Account>(db, AccountColumns), counts, cancellationToken, (record, id, account) =>
        {
            var parent = new Parent(id, account.ProfileId, account.CurrencyCode);
            run.AccountsById[id] = parent;
            run.AccountsByUuid[record.Uuid] = parent;
        });
    }

    private async Task WriteSecuritiesAsync(Run run, List<ParsedRecord> records, DateTime now, int[] counts, CancellationToken cancellationToken)
    {
        if (records.Count == 0) return;
        var rows = new Rows<InvestmentSecurity>();
        foreach (var record in records)
        {
            if (NamedProfile(run, record) is not { } profileId) continue;
            var f = (SecurityFields)record.Fields;
            Add(rows, run, record, new InvestmentSecurity
            {
                Id = Ids.New(InvestmentSecurity.IdPrefix), EnvironmentId = run.EnvironmentId, ProfileId = profileId, Uuid = record.Uuid,
                Name = f.Name, Ticker = f.Ticker, Type = f.Type, Cusip = f.Cusip, Isin = f.Isin, CreatedAt = now, UpdatedAt = now,
            });
        }
        await UpsertAsync(run, rows, new BulkUpsert<InvestmentSecurity>(db, SecurityColumns), counts, cancellationToken, (record, id, security) =>
        {
            var parent = new Parent(id, security.ProfileId, null);
            run.SecuritiesById[id] = parent;
            run.SecuritiesByUuid[record.Uuid] = parent;
        });
    }

    private async Task WriteChildrenAsync(Run run, List<ParsedRecord> records, DateTime now, int[] counts, CancellationToken cancellationToken)
    {
        if (records.Count == 0) return;
        var holdingRecords = records.Where(r => r.Type == ImportRecordType.Holding).ToList();
        if (holdingRecords.Count > 0)
        {
            var securityIds = holdingRecords.Where(r => ((HoldingFields)r.Fields).Security.Id is { } id && !run.SecuritiesById.ContainsKey(id)).Select(r => ((HoldingFields)r.Fields).Security.Id!).Distinct().ToList();
            var securityUuids = holdingRecords.Where(r => ((HoldingFields)r.Fields).Security.Uuid is { } u && !run.SecuritiesByUuid.ContainsKey(u)).Select(r => ((HoldingFields)r.Fields).Security.Uuid).Distinct().ToList();
            if (securityIds.Count > 0 || securityUuids.Count > 0)
                foreach (var row in await db.Securities.AsNoTracking()
                             .Where(x => x.EnvironmentId == run.EnvironmentId && (securityIds.Contains(x.Id) || securityUuids.Contains(x.Uuid)))
                             .Select(x => new { x.Id, x.Uuid, x.ProfileId }).ToListAsync(cancellationToken))
                {
                    var parent = new Parent(row.Id, row.ProfileId, null);
                    run.SecuritiesById[row.Id] = parent;
                    if (row.Uuid is { } uuid) run.SecuritiesByUuid[uuid] = parent;
                }
        }
        await LoadParentsAsync(records, run.AccountsById, run.AccountsByUuid,
            (ids, uuids) => db.Accounts.AsNoTracking()
                .Where(a => a.EnvironmentId == run.EnvironmentId && (ids.Contains(a.Id) || uuids.Contains(a.Uuid)))
                .Select(a => new LoadedParent(a.Id, a.Uuid, a.ProfileId, a.CurrencyCode)), cancellationToken);
        var balances = new Rows<Balance>();
        var transactions = new Rows<Transaction>();
        var holdings = new Rows<AccountHolding>();
        var statements = new Rows<Statement>();
        foreach (var record in records)
        {
            if (FindParent(run, record, run.AccountsById, run.AccountsByUuid, "account") is not { } account) continue;
            if (ChildProfile(run, record, account, "account") is not { } profileId) continue;
            if (record.Fields is HoldingFields h)
            {
                if (FindSecurity(run, record, h.Security) is not { } security) continue;
                if (security.ProfileId != profileId)
                {
                    run.Reject(record, h.Security.Id is not null ? "securityId" : "securityUuid", "is a security of another profile than the account's");
                    continue;
                }
                Add(holdings, run, record, new AccountHolding
                {
                    Id = Ids.New(AccountHolding.IdPrefix), EnvironmentId = run.EnvironmentId, ProfileId = profileId, AccountId = account.Id, SecurityId = security.Id,
                    Uuid = record.Uuid, Quantity = h.Quantity, Price = h.Price, Value = h.Value, CostBasis = h.CostBasis, At = h.At, RemoteDataJson = h.RemoteDataJson,
                    CreatedAt = now, UpdatedAt = now,
                });
            }
            else if (record.Fields is StatementFields st)
                Add(statements, run, record, new Statement
                {
                    Id = Ids.New(Statement.IdPrefix), EnvironmentId = run.EnvironmentId, ProfileId = profileId, AccountId = account.Id, Uuid = record.Uuid,
                    StartOn = st.StartOn, EndOn = st.EndOn, Url = st.Url, MetadataJson = st.MetadataJson, CreatedAt = now, UpdatedAt = now,
                });
            else if (record.Fields is BalanceFields b)
                Add(balances, run, record, new Balance
                {
                    Id = Ids.New(Balance.IdPrefix), EnvironmentId = run.EnvironmentId, ProfileId = profileId, AccountId = account.Id, Uuid = record.Uuid,
                    At = b.At, Current = b.Current, Available = b.Available, CreditLimit = b.CreditLimit, RemoteDataJson = b.RemoteDataJson, CreatedAt = now, UpdatedAt = now,
                });
            else
            {
                var t = (TransactionFields)record.Fields;
                Add(transactions, run, record, new Transaction
                {
                    Id = Ids.New(Transaction.IdPrefix), EnvironmentId = run.EnvironmentId, ProfileId = profileId, AccountId = account.Id, Uuid = record.Uuid,
                    Date = t.Date, Description = t.Description, Amount = t.Amount, CurrencyCode = t.CurrencyCode ?? account.CurrencyCode ?? "USD",
                    EntryType = t.EntryType, Status = t.Status, MerchantId = t.MerchantId, MerchantName = t.MerchantName, MetadataJson = t.MetadataJson, RemoteDataJson = t.RemoteDataJson,
                    CreatedAt = now, UpdatedAt = now,
                });
            }
        }
        await UpsertAsync(run, balances, new BulkUpsert<Balance>(db, BalanceColumns), counts, cancellationToken, null);
        await UpsertAsync(run, transactions, new BulkUpsert<Transaction>(db, TransactionColumns), counts, cancellationToken, null);
        await UpsertAsync(run, holdings, new BulkUpsert<AccountHolding>(db, HoldingColumns), counts, cancellationToken, null);
        await UpsertAsync(run, statements, new BulkUpsert<Statement>(db, StatementColumns), counts, cancellationToken, null);
    }

    private static Parent? FindSecurity(Run run, ParsedRecord record, EntityRef security)
    {
        if (security.Id is { } id ? run.SecuritiesById.TryGetValue(id, out var found) : run.SecuritiesByUuid.TryGetValue(security.Uuid!.Value, out found)) return found;
        run.Reject(record, security.Id is not null ? "securityId" : "securityUuid", "no such security in this environment (a parent must come before its children)");
        return null;
    }

    private sealed record LoadedParent(string Id, Guid? Uuid, string ProfileId, string? CurrencyCode);

    /// <summary>Loads, in one query, the parents the records name that this import has not seen yet.</summary>
    private static async Task LoadParentsAsync(List<ParsedRecord> records, Dictionary<string, Parent> byId, Dictionary<Guid, Parent> byUuid,
        Func<List<string>, List<Guid?>, IQueryable<LoadedParent>> query, CancellationToken cancellationToken)
    {
        var ids = records.Where(r => r.Parent.Id is { } id && !byId.ContainsKey(id)).Select(r => r.Parent.Id!).Distinct().ToList();
        var uuids = records.Where(r => r.Parent.Uuid is { } u && !byUuid.ContainsKey(u)).Select(r => r.Parent.Uuid).Distinct().ToList();
        if (ids.Count == 0 && uuids.Count == 0) return;
        foreach (var row in await query(ids, uuids).ToListAsync(cancellationToken))
        {
            var parent = new Parent(row.Id, row.ProfileId, row.CurrencyCode);
            byId[row.Id] = parent;
            if (row.Uuid is { } uuid) byUuid[uuid] = parent;
        }
    }

    private static Parent? FindParent(Run run, ParsedRecord record, Dictionary<string, Parent> byId, Dictionary<Guid, Parent> byUuid, string what)
    {
        if (record.Parent.Id is { } id)
        {
            if (byId.TryGetValue(id, out var parent)) return parent;
            run.Reject(record, what + "Id", $"no such {what} in this environment (a parent must come before its children)");
            return null;
        }
        if (byUuid.TryGetValue(record.Parent.Uuid!.Value, out var byUuidParent)) return byUuidParent;
        run.Reject(record, what + "Uuid", $"no such {what} in this environment (a parent must come before its children)");
        return null;
    }

    /// <summary>Rows of one table; records sharing a uuid share a row (the last one's values win).</summary>
    private sealed class Rows<TEntity> where TEntity : class, IImportedRow
    {
        private readonly Dictionary<Guid, int> _byUuid = [];
        public List<TEntity> Values { get; } = [];
        public List<List<ParsedRecord>> Records { get; } = [];

        /// <returns>False when an earlier record of the same statement has the uuid for another profile.</returns>
        public bool Add(ParsedRecord record, TEntity row)
        {
            if (_byUuid.TryGetValue(record.Uuid, out var index))
            {
                // A uuid never moves between profiles, within a batch either.
                if (Values[index].ProfileId != row.ProfileId) return false;
                Values[index] = row;
                Records[index].Add(record);
                return true;
            }
            _byUuid[record.Uuid] = Values.Count;
            Values.Add(row);
            Records.Add([record]);
            return true;
        }
    }

    private static void Add<TEntity>(Rows<TEntity> rows, Run run, ParsedRecord record, TEntity row) where TEntity : class, IImportedRow
    {
        if (!rows.Add(record, row))
            run.Reject(record, "uuid", $"is already the uuid of another profile's {record.TypeName} in this batch");
    }

    private async Task UpsertAsync<TEntity>(Run run, Rows<TEntity> rows, BulkUpsert<TEntity> upsert, int[] counts, CancellationToken cancellationToken,
        Action<ParsedRecord, string, TEntity>? onWritten) where TEntity : class, IImportedRow
    {
        if (rows.Values.Count == 0) return;
        var written = await upsert.ExecuteAsync(db, rows.Values, cancellationToken);
        for (var i = 0; i < rows.Values.Count; i++)
        {
            var row = rows.Values[i];
            if (written.TryGetValue(rows.Records[i][0].Uuid, out var rowId)) run.Events.Written(db, row, rowId, clock.GetUtcNow().UtcDateTime);
            foreach (var record in rows.Records[i])
            {
                if (written.TryGetValue(record.Uuid, out var id))
                {
                    counts[(int)record.Type]++;
                    run.ProfilesWrittenInChunk.Add(row.ProfileId);
                    onWritten?.Invoke(record, id, row);
                }
                else run.Reject(record, "uuid", $"is already the uuid of another profile's {record.TypeName} in this environment");
            }
        }
    }
}

/// <summary>Import limits. Bound from <c>Import</c>.</summary>
public sealed class ImportOptions
{
    public const string Section = "Import";

    /// <summary>The largest request body <c>POST /v1/import</c> accepts. Defaults to 100 MB.</summary>
    [System.ComponentModel.DataAnnotations.Range(1024, long.MaxValue)]
    public long MaxBodyBytes { get; set; } = 100L * 1024 * 1024;

    /// <summary>Records validated and written per write transaction. Defaults to 1,000.</summary>
    [System.ComponentModel.DataAnnotations.Range(1, 2000)]
    public int ChunkSize { get; set; } = 1000;

    /// <summary>Errors listed in a response (all failed records are still counted). Defaults to 1,000.</summary>
    [System.ComponentModel.DataAnnotations.Range(1, 100_000)]
    public int MaxErrors { get; set; } = 1000;

    /// <summary>The largest single record (one JSON object, one NDJSON line). Defaults to 1 MiB.</summary>
    [System.ComponentModel.DataAnnotations.Range(1024, 64L * 1024 * 1024)]
    public int MaxRecordBytes { get; set; } = 1024 * 1024;
}
