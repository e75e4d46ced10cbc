using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Tessera.Http;

namespace Tessera.OpenApi;

/// <summary>
/// The document-wide parts: the security schemes, the shared response headers, and the service's description.
/// </summary>
internal sealed class TesseraDocumentTransformer : IOpenApiDocumentTransformer
{
    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info.Title = "Tessera";
        document.Info.Description = """
            Passwordless auth and sessions, wire-compatible with Quiltt's auth API. Errors answer
            `{"message", "instruction"}` (plus `errorId` on a 5xx, also logged); validation errors are 422
            `{"<field>": ["<message>"]}`. Authenticated responses carry `Ratelimit-Limit`, `Ratelimit-Remaining` and
            `Ratelimit-Reset`; a 429 carries `Retry-After`.
            """;
        foreach (var (name, scheme) in SecuritySchemes) document.AddComponent(name, scheme);
        foreach (var (name, header) in Headers) document.AddComponent(name, header);
        return Task.CompletedTask;
    }

    public static string SchemeName(Credential credential) => credential switch
    {
        Credential.ApiKey => "apiKey",
        Credential.SessionToken => "sessionToken",
        _ => "profileApiKey",
    };

    private static readonly (string, OpenApiSecurityScheme)[] SecuritySchemes =
    [
        (SchemeName(Credential.ApiKey), new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http, Scheme = "bearer", BearerFormat = "tsk_…",
            Description = "An API key secret (`tsk_…`, from `tessera init` or `tessera api-keys create`), for server-side calls. Never ship it to a browser or app.",
        }),
        (SchemeName(Credential.SessionToken), new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http, Scheme = "bearer", BearerFormat = "JWT",
            Description = "A session token: issued by `POST /v1/users/sessions` or the passwordless flow, or self-signed with an environment's signing secret.",
        }),
        (SchemeName(Credential.ProfileApiKey), new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http, Scheme = "basic",
            Description = "GraphQL only: `base64(<profile id or uuid>:<API key secret>)`, a server querying as one of its profiles.",
        }),
    ];

    public const string RetryAfter = "Retry-After";
    public static readonly string[] RateLimit = ["Ratelimit-Limit", "Ratelimit-Remaining", "Ratelimit-Reset"];
    public static readonly string[] Pagination = ["Current-Page", "Page-Items", "Total-Count", "Total-Pages"];

    private static readonly (string, OpenApiHeader)[] Headers =
    [
        (RetryAfter, Integer("Seconds to wait before trying again.")),
        ("Ratelimit-Limit", Integer("Requests the credential may make in the window (on session issuance: tokens the profile may be issued).")),
        ("Ratelimit-Remaining", Integer("Requests left in the current window.")),
        ("Ratelimit-Reset", Integer("Seconds until the window resets.")),
        ("Current-Page", Integer("The page answered, from 1.")),
        ("Page-Items", Integer($"Items per page (the limit asked for, at most {PageRequest.MaxItems}).")),
        ("Total-Count", Integer("Items in the whole list.")),
        ("Total-Pages", Integer("Pages in the whole list (at least 1).")),
    ];

    private static OpenApiHeader Integer(string description) =>
        new() { Description = description, Schema = new OpenApiSchema { Type = JsonSchemaType.Integer } };
}

/// <summary>
/// Per operation, from the endpoint's metadata (<see cref="ApiDocumentation"/>): who may call it (or <c>security: []</c>),
/// the rate-limit, retry and pagination headers, the pagination parameters, and the 500 every endpoint can answer.
/// </summary>
internal sealed class TesseraOperationTransformer : IOpenApiOperationTransformer
{
    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        var document = context.Document!;
        operation.Responses ??= [];
        var credentials = metadata.OfType<AcceptsCredentialMetadata>().LastOrDefault()?.Credentials ?? [];
        // One requirement per credential: any one of them will do. None: anonymous, said explicitly.
        operation.Security = credentials
            .Select(c => new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(TesseraDocumentTransformer.SchemeName(c), document)] = [] })
            .ToList();

        if (!operation.Responses.ContainsKey("500"))
            operation.Responses["500"] = new OpenApiResponse
            {
                Description = "Unexpected error: the body's `errorId` is also in the server log.",
                Content = new Dictionary<string, OpenApiMediaType> { ["application/json"] = new() { Schema = new OpenApiSchemaReference(nameof(ApiError), document) } },
            };

        var paginated = metadata.OfType<PaginatedMetadata>().Any();
        if (paginated)
        {
            operation.Parameters ??= [];
            operation.Parameters.Add(QueryInteger("page", "The page, from 1 (default 1). A page past the last is empty."));
            operation.Parameters.Add(QueryInteger("limit", $"Items per page (default {PageRequest.DefaultItems}; more than {PageRequest.MaxItems} are served as {PageRequest.MaxItems})."));
            operation.Parameters.Add(QueryInteger("items", "Another name for `limit` (Quiltt's API overview uses it)."));
        }

        foreach (var (status, response) in operation.Responses)
        {
            if (response is not OpenApiResponse concrete) continue;
            var headers = new List<string>();
            if (status == "429") headers.Add(TesseraDocumentTransformer.RetryAfter);
            if (credentials.Count > 0 && status is not ("401" or "500")) headers.AddRange(TesseraDocumentTransformer.RateLimit);
            if (paginated && status == "200") headers.AddRange(TesseraDocumentTransformer.Pagination);
            if (headers.Count == 0) continue;
            concrete.Headers ??= new Dictionary<string, IOpenApiHeader>();
            foreach (var name in headers) concrete.Headers[name] = new OpenApiHeaderReference(name, document);
        }
        return Task.CompletedTask;
    }

    private static OpenApiParameter QueryInteger(string name, string description) => new()
    {
        Name = name, In = ParameterLocation.Query, Required = false, Description = description,
        Schema = new OpenApiSchema { Type = JsonSchemaType.Integer, Minimum = "1" },
    };
}

/// <summary>
/// A property left out of the JSON when null (<c>JsonIgnoreCondition.WhenWritingNull</c>, e.g. <c>errorId</c>) is
/// not required, whatever the constructor says.
/// </summary>
internal sealed class OmittedWhenNullSchemaTransformer : IOpenApiSchemaTransformer
{
    public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        if (schema.Required is not { Count: > 0 } required || context.JsonTypeInfo.Kind != System.Text.Json.Serialization.Metadata.JsonTypeInfoKind.Object)
            return Task.CompletedTask;
        foreach (var property in context.JsonTypeInfo.Properties)
        {
            var ignore = property.AttributeProvider?.GetCustomAttributes(typeof(System.Text.Json.Serialization.JsonIgnoreAttribute), inherit: true)
                .OfType<System.Text.Json.Serialization.JsonIgnoreAttribute>().FirstOrDefault();
            if (ignore?.Condition is System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull or System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingDefault)
                required.Remove(property.Name);
        }
        return Task.CompletedTask;
    }
}
