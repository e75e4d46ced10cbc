using Tessera.DataApi;
using Tessera.FinancialData;
using Tessera.GraphQL.Execution;
using Tessera.GraphQL.Types;

namespace Tessera.Subscriptions;

/// <summary>
/// The <c>Subscription</c> root of the data API's schema. A root field resolves to the event itself (the root value
/// of each execution); its payload reads the record the event names through the same owner-filtered lookups as
/// <c>Query</c>, as of when the event is sent.
/// </summary>
public static class SubscriptionSchema
{
    public static SchemaBuilder BindSubscriptions(this SchemaBuilder schema) => schema
        .Bind("Subscription", SubscriptionEvents.AccountVerified, ctx => ctx.Source)
        .Bind("Subscription", SubscriptionEvents.ConnectionCreated, ctx => ctx.Source)
        .Bind("Subscription", SubscriptionEvents.ConnectionSynced, ctx => ctx.Source)
        .Bind("Subscription", SubscriptionEvents.ConnectionUpdated, ctx => ctx.Source)
        .Bind("Subscription", SubscriptionEvents.ProfileReady, ctx => ctx.Source)
        .BindAsync("AccountVerifiedPayload", "account", ctx => TesseraGraphQLSchema.FindAsync<Account>(ctx, Event(ctx).RecordId))
        .BindAsync("ConnectionCreatedPayload", "connection", ctx => TesseraGraphQLSchema.FindAsync<Connection>(ctx, Event(ctx).RecordId))
        .BindAsync("ConnectionSyncedPayload", "connection", ctx => TesseraGraphQLSchema.FindAsync<Connection>(ctx, Event(ctx).RecordId))
        .Bind("ConnectionSyncedPayload", "successful", ctx => !Event(ctx).Type.StartsWith("connection.synced.errored.", StringComparison.Ordinal))
        .BindAsync("ConnectionUpdatedPayload", "connection", ctx => TesseraGraphQLSchema.FindAsync<Connection>(ctx, Event(ctx).RecordId))
        .BindAsync("ProfileReadyPayload", "profile", async ctx =>
            await TesseraGraphQLSchema.FindProfileAsync(ctx) ?? throw new Tessera.GraphQL.GraphQLError("The profile no longer exists."))
        .BindAsync("ProfileReadyPayload", "connection", ctx => Event(ctx).ConnectionId is { } id ? TesseraGraphQLSchema.FindAsync<Connection>(ctx, id) : Task.FromResult<Connection?>(null))
        .Bind("AccountVerifiedPayload", "occurredAt", ctx => Event(ctx).OccurredAt)
        .Bind("ConnectionCreatedPayload", "occurredAt", ctx => Event(ctx).OccurredAt)
        .Bind("ConnectionSyncedPayload", "occurredAt", ctx => Event(ctx).OccurredAt)
        .Bind("ConnectionUpdatedPayload", "occurredAt", ctx => Event(ctx).OccurredAt)
        .Bind("ProfileReadyPayload", "occurredAt", ctx => Event(ctx).OccurredAt);

    private static SubscriptionEvent Event(ResolveFieldContext ctx) => ctx.SourceAs<SubscriptionEvent>();
}
