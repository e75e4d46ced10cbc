using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Tessera.Data;
using Tessera.Environments;
using Tessera.FinancialData;
using Tessera.GraphQL.Execution;
using Tessera.Http;
using Tessera.Metadata;
using Tessera.Profiles;

namespace Tessera.DataApi;

/// <summary>
/// Mutations answer <c>{success, record, errors {message path}, clientMutationId}</c>: a rule the input breaks is an
/// entry of <c>errors</c> (success false), not a GraphQL error. Each writes only the caller's own rows.
/// </summary>
public static class GraphQLMutations
{
    private static GraphQLCaller Caller(ResolveFieldContext ctx) => (GraphQLCaller)ctx.UserContext!;

    internal static IReadOnlyDictionary<string, object?> Input(ResolveFieldContext ctx) =>
        ctx.Arguments.TryGetValue("input", out var raw) && raw is IReadOnlyDictionary<string, object?> input ? input : new Dictionary<string, object?>();

    private static object? ClientMutationId(IReadOnlyDictionary<string, object?> input) => input.TryGetValue("clientMutationId", out var id) ? id : null;

    internal static object Payload(bool success, object? record, IEnumerable<object>? errors, IReadOnlyDictionary<string, object?> input) =>
        new Dictionary<string, object?> { ["success"] = success, ["record"] = record, ["errors"] = errors?.ToList(), ["clientMutationId"] = ClientMutationId(input) };

    internal static object Error(string message, params string[] path) => new Dictionary<string, object?> { ["message"] = message, ["path"] = path };

    /// <summary>An error a client may branch on by <paramref name="code"/>.</summary>
    internal static object CodedError(string code, string message, params string[] path) =>
        new Dictionary<string, object?> { ["message"] = message, ["path"] = path.Length == 0 ? null : path, ["code"] = code };

    public static async Task<object> ProfileUpdateAsync(ResolveFieldContext ctx)
    {
        var caller = Caller(ctx);
        var input = Input(ctx);
        // The same validation as the REST API: the input becomes the JSON body it would have been.
        var body = JsonSerializer.SerializeToElement(input.Where(p => p.Key != "clientMutationId").ToDictionary(p => p.Key, p => p.Value));
        var errors = new ValidationErrors();
        var clock = ctx.Services!.GetRequiredService<TimeProvider>();
        // The phone rule depends on the environment's mode: read only when a phone is sent (otherwise the rule is not applied).
        var mode = input.TryGetValue("phone", out var phone) && phone is not null
            ? await caller.WithDbAsync(db => EnvironmentModeAsync(db, caller, ctx))
            : EnvironmentMode.Production;
        var phones = PhoneContext.For(ctx.Services!.GetRequiredService<IOptions<PhoneOptions>>().Value, mode);
        var parsed = ProfileInput.Parse(body, acceptIdentity: false, errors, DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime), phones);
        if (errors.Any) return Payload(false, null, ToMutationErrors(errors), input);

        return await caller.WithDbAsync<object>(async db =>
        {
            var store = ctx.Services!.GetRequiredService<ProfileStore>();
            // Metadata merges into what is stored: read it under the row lock, so a concurrent update is not lost.
            await using var transaction = await db.BeginWriteTransactionAsync(ctx.CancellationToken);
            var profile = await store.FindForUpdateAsync(caller.EnvironmentId, caller.ProfileId, ctx.CancellationToken);
            if (profile is null) return Payload(false, null, [Error("The profile no longer exists.")], input);
            if (parsed.MergeMetadataInto(profile.MetadataJson) is { } metadataError) return Payload(false, null, [Error(metadataError, "metadata")], input);
            if (!caller.IsBackend && IdentifierChanges(parsed, profile).ToList() is { Count: > 0 } identifiers)
                return Payload(false, null, identifiers.Select(identifier => Error($"The {identifier} is a sign-in identifier: a user's session cannot change it. "
                    + "Your backend changes it (API key: PATCH /v1/profiles/{id}, or this mutation with Basic credentials), and the user proves it with a passcode.", identifier)), input);
            if (await store.FindConflictAsync(caller.EnvironmentId, profile.Id, parsed, ctx.CancellationToken) is { } field)
                return Payload(false, null, [Error($"The {field} is already in use by another profile.", field)], input);
            await store.ApplyAsync(profile, parsed, clock.GetUtcNow().UtcDateTime, ctx.CancellationToken);
            try
            {
                await db.SaveChangesAsync(ctx.CancellationToken);
                await transaction.CommitAsync(ctx.CancellationToken);
            }
            catch (DbUpdateException ex) when (DbErrors.IsUniqueViolation(ex, out var constraint))
            {
                db.ChangeTracker.Clear();
                var conflict = ProfileStore.ConflictField(constraint);
                return Payload(false, null, [Error($"The {conflict} is already in use by another profile.", conflict)], input);
            }
            return Payload(true, profile, null, input);
        });
    }

    /// <summary>The caller's environment's mode.</summary>
    private static Task<EnvironmentMode> EnvironmentModeAsync(TesseraDbContext db, GraphQLCaller caller, ResolveFieldContext ctx) =>
        db.Environments.AsNoTracking().Where(e => e.Id == caller.EnvironmentId).Select(e => e.Mode).FirstAsync(ctx.CancellationToken);

    /// <summary>The sign-in identifiers the input would change (restating the current value is no change).</summary>
    private static IEnumerable<string> IdentifierChanges(ProfileInput input, Profile profile)
    {
        if (input.Email.IsSet && input.Email.Value != profile.Email) yield return "email";
        if (input.Phone.IsSet && input.Phone.Value != profile.Phone) yield return "phone";
    }

    private static IEnumerable<object> ToMutationErrors(ValidationErrors errors)
    {
        var json = JsonSerializer.SerializeToElement(errors.ToResult().Value);
        foreach (var field in json.EnumerateObject())
            foreach (var message in field.Value.EnumerateArray())
                yield return Error($"{field.Name} {message.GetString()}", field.Name.Split('.'));
    }

    /// <summary>
    /// accountUpdate, transactionUpdate, connectionUpdate: merge the metadata sent into the record's
    /// (<see cref="MetadataMerge"/>); without <c>metadata</c> in the input nothing changes.
    /// </summary>
    public static async Task<object> MetadataUpdateAsync<T>(ResolveFieldContext ctx) where T : class
    {
        var input = Input(ctx);
        var id = input.TryGetValue("id", out var raw) ? raw as string : null;
        if (id is null) return Payload(false, null, [Error("Not found.", "id")], input);
        var clock = ctx.Services!.GetRequiredService<TimeProvider>();
        var caller = Caller(ctx);
        return await caller.WithDbAsync<object>(async db =>
        {
            await using var transaction = await db.BeginWriteTransactionAsync(ctx.CancellationToken);
            var record = await OwnedRows.FindForUpdateAsync<T>(db, caller, id, ctx.CancellationToken);
            if (record is null) return Payload(false, null, [Error("Not found.", "id")], input);
            if (input.TryGetValue("metadata", out var patch))
            {
                var entry = db.Entry(record);
                var merged = MetadataMerge.Apply((string?)entry.Property("MetadataJson").CurrentValue, patch);
                if (merged.Refused) return Payload(false, null, [Error(merged.Error!, "metadata")], input);
                entry.Property("MetadataJson").CurrentValue = merged.Json;
                entry.Property("UpdatedAt").CurrentValue = clock.GetUtcNow().UtcDateTime;
                await db.SaveChangesAsync(ctx.CancellationToken);
                await FinancialDataVersions.BumpAsync(db, [caller.ProfileId], ctx.CancellationToken);
            }
            await transaction.CommitAsync(ctx.CancellationToken);
            return Payload(true, record is Transaction written ? TransactionView.From(written) : record, null, input);
        });
    }

    public static async Task<object> ConnectionDisconnectAsync(ResolveFieldContext ctx)
    {
        var input = Input(ctx);
        var id = input.TryGetValue("id", out var raw) ? raw as string : null;
        var connection = id is null ? null : await TesseraGraphQLSchema.FindAsync<Connection>(ctx, id, tracked: true);
        if (connection is null) return Payload(false, null, [Error("Not found.", "id")], input);
        var clock = ctx.Services!.GetRequiredService<TimeProvider>();
        var caller = Caller(ctx);
        return await caller.WithDbAsync<object>(async db =>
        {
            await using var transaction = await db.BeginWriteTransactionAsync(ctx.CancellationToken);
            if (connection.Status != ConnectionStatus.Disconnected) Webhooks.EventLog.Record(db, Webhooks.EventTypes.ConnectionDisconnected, connection.EnvironmentId, connection.ProfileId, new { id = connection.Id, uuid = connection.Uuid }, clock.GetUtcNow().UtcDateTime);
            connection.Status = ConnectionStatus.Disconnected;
            connection.UpdatedAt = clock.GetUtcNow().UtcDateTime;
            await db.SaveChangesAsync(ctx.CancellationToken);
            await FinancialDataVersions.BumpAsync(db, [caller.ProfileId], ctx.CancellationToken);
            await transaction.CommitAsync(ctx.CancellationToken);
            return Payload(true, connection, null, input);
        });
    }

    /// <summary>SANDBOX only: a mock bank connection for the caller, so a newcomer has data to query at once.</summary>
    public static async Task<object> ConnectorMockInitializeAsync(ResolveFieldContext ctx)
    {
        var input = Input(ctx);
        var caller = Caller(ctx);
        return await caller.WithDbAsync<object>(async db =>
        {
            var environment = await db.Environments.AsNoTracking().FirstAsync(e => e.Id == caller.EnvironmentId, ctx.CancellationToken);
            if (environment.Mode != EnvironmentMode.Sandbox)
                return Payload(false, null, [Error("The mock bank exists in SANDBOX environments only.")], input);
            var bank = ctx.Services!.GetRequiredService<MockBank>();
            try
            {
                var connection = await bank.CreateAsync(caller.EnvironmentId, caller.ProfileId, ctx.CancellationToken);
                return Payload(true, connection, null, input);
            }
            catch (MockBankException ex)
            {
                return Payload(false, null, [Error(ex.Message)], input);
            }
        });
    }
}
