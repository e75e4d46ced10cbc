using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Tessera.Http;
using Tessera.Sessions;

namespace Tessera.Discovery;

/// <summary>
/// What a stock JWT verifier needs to check Tessera's public-key tokens with no call back per token (ADR 0010):
/// each environment is an issuer, <c>&lt;base&gt;/environments/&lt;id&gt;</c>, with its own OpenID-style discovery
/// document and JWKS, and no set of all environments' keys is served (a verifier must be given one issuer). All
/// anonymous: public keys are public.
/// </summary>
public static class DiscoveryApi
{
    /// <summary>
    /// How long a client may use a key set without asking again. Short, so that a rotation reaches verifiers within
    /// minutes; the ETag makes asking again cheap. A key published ahead of activation (rotate-key --activate-after
    /// longer than this) is in every cache before its first token.
    /// </summary>
    public const int MaxAgeSeconds = 300;

    public sealed record DiscoveryDocument(
        [property: System.Text.Json.Serialization.JsonPropertyName("issuer")] string Issuer,
        [property: System.Text.Json.Serialization.JsonPropertyName("jwks_uri")] string JwksUri,
        [property: System.Text.Json.Serialization.JsonPropertyName("id_token_signing_alg_values_supported")] string[] SigningAlgorithms,
        [property: System.Text.Json.Serialization.JsonPropertyName("response_types_supported")] string[] ResponseTypes,
        [property: System.Text.Json.Serialization.JsonPropertyName("subject_types_supported")] string[] SubjectTypes,
        [property: System.Text.Json.Serialization.JsonPropertyName("claims_supported")] string[] Claims);

    public static IEndpointRouteBuilder MapDiscoveryApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("").WithTags("Discovery");
        group.MapGet("/environments/{environmentId}/.well-known/jwks.json", EnvironmentKeysAsync).ExcludeFromDescription();
        group.MapGet("/environments/{environmentId}/.well-known/openid-configuration", DiscoveryAsync).ExcludeFromDescription();
        return routes;
    }

    private static async Task<IResult> EnvironmentKeysAsync(string environmentId, HttpContext http, KeyPublication publication, CancellationToken cancellationToken)
    {
        if (!LooksLikeEnvironmentId(environmentId)) return NoSuchEnvironment();
        var document = await publication.ForEnvironmentAsync(environmentId, cancellationToken);
        return document.Json is null ? NoSuchEnvironment() : Serve(http, document);
    }

    private static async Task<Results<Ok<DiscoveryDocument>, JsonHttpResult<ApiError>>> DiscoveryAsync(
        string environmentId, HttpContext http, KeyPublication publication, IOptions<SessionTokenOptions> options, CancellationToken cancellationToken)
    {
        if (!LooksLikeEnvironmentId(environmentId)) return NoSuchEnvironment();
        if ((await publication.ForEnvironmentAsync(environmentId, cancellationToken)).Json is null) return NoSuchEnvironment();
        var issuer = options.Value.EnvironmentIssuer(environmentId);
        http.Response.Headers.CacheControl = $"public, max-age={MaxAgeSeconds}";
        return TypedResults.Ok(new DiscoveryDocument(issuer, issuer + "/.well-known/jwks.json", ["ES256"], ["token"], ["public"],
            ["iss", "aud", "sub", "uid", "exp", "nbf", "iat", "jti", "eid", "cid", "did", "ver"]));
    }

    // Environment ids are short and plain (Ids.New); anything else cannot name one and costs no lookup.
    private static bool LooksLikeEnvironmentId(string id) =>
        id.Length is > 0 and <= 64 && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-');

    private static JsonHttpResult<ApiError> NoSuchEnvironment() =>
        ApiError.Result(StatusCodes.Status404NotFound, "Environment not found", "Check the environment id in the issuer URL.");

    private static IResult Serve(HttpContext http, KeyPublication.Document document)
    {
        http.Response.Headers.CacheControl = $"public, max-age={MaxAgeSeconds}";
        http.Response.Headers.ETag = document.ETag;
        if (http.Request.Headers.IfNoneMatch.Any(v => v is not null && v.Split(',').Any(tag => tag.Trim() == document.ETag || tag.Trim() == "*")))
            return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        return TypedResults.Bytes(document.Json!, "application/jwk-set+json");
    }
}
