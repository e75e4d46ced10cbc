using Tessera.GraphQL.Execution;
using static Tessera.DataApi.GraphQLMutations;

namespace Tessera.DataApi;

/// <summary>
/// Quiltt's provider-specific connector mutations (<c>connectorPlaidInitialize</c>, <c>connectorMxClose</c>, ...). They
/// drive an aggregator's own widget, and Tessera has no aggregator: data arrives through the import API or the
/// sandbox mock bank. They exist so that apps written for Quiltt get a clear answer in <c>errors</c> instead of a
/// schema error.
/// </summary>
public static class ProviderConnectors
{
    public const string NotConfiguredCode = "PROVIDER_NOT_CONFIGURED";

    public static Func<ResolveFieldContext, Task<object>> NotConfigured(string provider) => ctx =>
        Task.FromResult(Payload(false, null,
            [CodedError(NotConfiguredCode, $"No {provider} aggregator is configured on this server: connections reach it through the import API (POST /v1/import), or connectorMockInitialize in SANDBOX environments.")],
            Input(ctx)));
}
