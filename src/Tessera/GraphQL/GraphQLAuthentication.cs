using System.Text;
using Microsoft.EntityFrameworkCore;
using Tessera.ApiKeys;
using Tessera.Data;
using Tessera.Http;
using Tessera.Sessions;

namespace Tessera.GraphQL;

/// <summary>
/// Authenticates a GraphQL request before any GraphQL runs: <c>Bearer &lt;session token&gt;</c> (that profile), or,
/// server to server, <c>Basic base64(&lt;profile id or uuid&gt;:&lt;API key secret&gt;)</c>.
/// </summary>
public static class GraphQLAuthentication
{
    public const string Instruction = "Send a session token as `Authorization: Bearer <token>`, or `Authorization: Basic base64(<profile id or uuid>:<API key secret>)`.";

    public static async Task<GraphQLCaller?> AuthenticateAsync(HttpContext http, TesseraDbContext db, CancellationToken cancellationToken)
    {
        var header = http.Request.Headers.Authorization;
        if (header.Count != 1 || header[0] is not { Length: > 6 } value) return null;

        if (Credentials.Bearer(http.Request) is { } token)
        {
            var verification = await http.RequestServices.GetRequiredService<SessionTokenVerifier>().VerifyAsync(token, cancellationToken);
            if (!verification.IsValid) return null;
            return new GraphQLCaller(verification.Claims!.EnvironmentId, verification.Claims.ProfileId, db);
        }

        if (!value.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase)) return null;
        string decoded;
        try { decoded = Encoding.UTF8.GetString(Convert.FromBase64String(value[6..].Trim())); }
        catch (FormatException) { return null; }
        var colon = decoded.IndexOf(':');
        if (colon <= 0 || colon == decoded.Length - 1) return null;
        var caller = await http.RequestServices.GetRequiredService<ApiKeyAuthenticator>().AuthenticateAsync(decoded[(colon + 1)..], cancellationToken);
        if (caller is null) return null;
        var profile = await http.RequestServices.GetRequiredService<Profiles.ProfileStore>().FindAsync(caller.Environment.Id, decoded[..colon], cancellationToken);
        if (profile is null || profile.DisabledAt is not null) return null;
        db.ChangeTracker.Clear();
        return new GraphQLCaller(caller.Environment.Id, profile.Id, db) { IsBackend = true };
    }
}
