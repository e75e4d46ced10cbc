using System.Text;
using Microsoft.EntityFrameworkCore;
using Tessera.ApiKeys;
using Tessera.Data;
using Tessera.Http;
using Tessera.Sessions;

namespace Tessera.DataApi;

/// <summary>
/// Authenticates a GraphQL request before any GraphQL runs: <c>Bearer &lt;session token&gt;</c> (that profile), or,
/// server to server, <c>Basic base64(&lt;profile id or uuid&gt;:&lt;API key secret&gt;)</c>. Each request is taken
/// from the credential's budget (<c>Limits:Requests:PerMinute</c>) by the same code as the REST endpoints, so a
/// session or an API key has one budget across both.
/// </summary>
public static class GraphQLAuthentication
{
    public const string Instruction = "Send a session token as `Authorization: Bearer <token>`, or `Authorization: Basic base64(<profile id or uuid>:<API key secret>)`.";

    /// <summary>The caller; or no caller and the refusal to answer (429 over the budget), or neither (401).</summary>
    public readonly record struct Outcome(GraphQLCaller? Caller, IResult? Refusal);

    public static async Task<Outcome> AuthenticateAsync(HttpContext http, TesseraDbContext db, CancellationToken cancellationToken)
    {
        var header = http.Request.Headers.Authorization;
        if (header.Count != 1 || header[0] is not { Length: > 6 } value) return default;
        var limiter = http.RequestServices.GetRequiredService<CallerRateLimiter>();

        if (Credentials.BearerText(http.Request) is { IsEmpty: false } token)
        {
            var verifier = http.RequestServices.GetRequiredService<SessionTokenVerifier>();
            // As for the REST endpoints: from memory, without copying the token, unless its key (or secret and profile) must be loaded.
            if (verifier.TryVerify(token.Span, out var verification) == TokenCheck.NotCached)
                verification = await verifier.VerifyAsync(token.ToString(), cancellationToken);
            if (!verification.IsValid) return default;
            if (SessionAuthenticationExtensions.Throttle(http, limiter, verification.Claims!) is { } refused) return new Outcome(null, refused);
            return new Outcome(new GraphQLCaller(verification.Claims!.EnvironmentId, verification.Claims.ProfileId, db), null);
        }

        if (!value.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase)) return default;
        string decoded;
        try { decoded = Encoding.UTF8.GetString(Convert.FromBase64String(value[6..].Trim())); }
        catch (FormatException) { return default; }
        var colon = decoded.IndexOf(':');
        if (colon <= 0 || colon == decoded.Length - 1) return default;
        var caller = await http.RequestServices.GetRequiredService<ApiKeyAuthenticator>().AuthenticateAsync(decoded[(colon + 1)..], cancellationToken);
        if (caller is null) return default;
        // Counted before the profile is looked up: a key over its budget costs no database read.
        if (ApiKeyAuthenticationExtensions.Throttle(http, limiter, caller) is { } throttled) return new Outcome(null, throttled);
        var profile = await http.RequestServices.GetRequiredService<Profiles.ProfileStore>().FindAsync(caller.Environment.Id, decoded[..colon], cancellationToken);
        if (profile is null || profile.DisabledAt is not null) return default;
        db.ChangeTracker.Clear();
        return new Outcome(new GraphQLCaller(caller.Environment.Id, profile.Id, db) { IsBackend = true }, null);
    }
}
