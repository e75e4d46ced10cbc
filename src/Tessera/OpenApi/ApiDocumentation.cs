using Microsoft.AspNetCore.Http.Metadata;
using Tessera.Http;

namespace Tessera.OpenApi;

/// <summary>A credential an endpoint accepts, named as in the OpenAPI document's security schemes.</summary>
public enum Credential
{
    /// <summary><c>Authorization: Bearer tsk_…</c>: an API key secret (server side).</summary>
    ApiKey,

    /// <summary><c>Authorization: Bearer &lt;JWT&gt;</c>: a session token, issued by Tessera or self-signed.</summary>
    SessionToken,

    /// <summary><c>Authorization: Basic base64(&lt;profile&gt;:&lt;API key secret&gt;)</c>: a server acting as a profile (GraphQL only).</summary>
    ProfileApiKey,
}

/// <summary>Endpoint metadata: the credentials the endpoint accepts (any one of them). Endpoints without it are anonymous.</summary>
public sealed record AcceptsCredentialMetadata(IReadOnlyList<Credential> Credentials);

/// <summary>Endpoint metadata: the endpoint answers a page of a list (<see cref="PageRequest"/>).</summary>
public sealed record PaginatedMetadata;

/// <summary>The 422 body: each field that is wrong, with its messages.</summary>
public sealed class ValidationErrorBody : Dictionary<string, List<string>>;

/// <summary>
/// What the OpenAPI document says about an endpoint beyond what its handler's types tell: the request body (handlers
/// read bodies by hand, see <see cref="JsonBody"/>), the error statuses it answers and the credentials it takes.
/// Only metadata: none of these change what the endpoint does.
/// </summary>
public static class ApiDocumentation
{
    private static readonly string[] Json = ["application/json"];

    /// <summary>The statuses the endpoint answers with the error body (<see cref="ApiError"/>).</summary>
    public static TBuilder ProducesErrors<TBuilder>(this TBuilder builder, params int[] statuses) where TBuilder : IEndpointConventionBuilder
    {
        builder.Add(endpoint =>
        {
            foreach (var status in statuses)
                if (!endpoint.Metadata.OfType<IProducesResponseTypeMetadata>().Any(m => m.StatusCode == status))
                    endpoint.Metadata.Add(new ProducesResponseTypeMetadata(status, typeof(ApiError), Json));
        });
        return builder;
    }

    /// <summary>A JSON object body read with <see cref="JsonBody"/>: its schema, and the 400, 413 and 415 that reading it can answer.</summary>
    public static RouteHandlerBuilder AcceptsJson<TBody>(this RouteHandlerBuilder builder, bool optional = false) where TBody : notnull =>
        builder.Accepts<TBody>(optional, "application/json").ProducesErrors(400, 413, 415);

    /// <summary>422 with <c>{"field": ["message", ...]}</c>.</summary>
    public static TBuilder ProducesValidationErrors<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new ProducesResponseTypeMetadata(StatusCodes.Status422UnprocessableEntity, typeof(ValidationErrorBody), Json));

    /// <summary>A list endpoint: the <c>page</c>/<c>limit</c> parameters and headers of <see cref="PageRequest"/>, and its 400.</summary>
    public static TBuilder Paginated<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new PaginatedMetadata()).ProducesErrors(400);

    /// <summary>The credentials the endpoint accepts, and the 401 and 429 every authenticated endpoint can answer.</summary>
    public static TBuilder AcceptsCredential<TBuilder>(this TBuilder builder, params Credential[] credentials) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new AcceptsCredentialMetadata(credentials)).ProducesErrors(401, 429);
}
