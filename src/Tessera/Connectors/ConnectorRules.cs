using Tessera.Environments;
using Tessera.FinancialData;

namespace Tessera.Connectors;

/// <summary>What the Connector may do for a session: the one place the connect and reconnect rules live.</summary>
public static class ConnectorRules
{
    public enum Decision
    {
        Allowed,
        /// <summary>No aggregator: only a SANDBOX environment has institutions (the mock bank).</summary>
        NoAggregator,
        UnknownInstitution,
        /// <summary>A connection that did not come from the mock bank cannot be reconnected here (it came through an import).</summary>
        NotReconnectable,
    }

    public static Decision Connect(EnvironmentMode mode, string? institutionId) =>
        mode != EnvironmentMode.Sandbox ? Decision.NoAggregator
        : InstitutionDirectory.Find(mode, institutionId) is null ? Decision.UnknownInstitution
        : Decision.Allowed;

    public static Decision Reconnect(EnvironmentMode mode, ConnectionProvider provider) =>
        mode != EnvironmentMode.Sandbox ? Decision.NoAggregator
        : provider != ConnectionProvider.Mock ? Decision.NotReconnectable
        : Decision.Allowed;

    /// <summary>
    /// The origin of the page embedding the Connector, as a browser serializes it (<c>scheme://host[:port]</c>,
    /// lower case, no default port, no path): null for anything else. It goes into a CSP header and a postMessage
    /// target, so nothing but an exact origin passes.
    /// </summary>
    public static string? ParseOrigin(string? raw)
    {
        if (string.IsNullOrEmpty(raw) || raw.Length > 300) return null;
        if (!Uri.TryCreate(raw, UriKind.Absolute, out var uri)) return null;
        if (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps) return null;
        if (uri.UserInfo.Length > 0 || uri.PathAndQuery != "/" || uri.Fragment.Length > 0) return null;
        var canonical = uri.GetLeftPart(UriPartial.Authority);
        return string.Equals(canonical, raw, StringComparison.Ordinal) ? canonical : null;
    }
}
