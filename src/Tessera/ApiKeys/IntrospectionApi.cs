using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Tessera.Environments;
using Tessera.OpenApi;

namespace Tessera.ApiKeys;

/// <summary><c>POST /v1/introspect/api_key</c>: what the presented secret is.</summary>
public static class IntrospectionApi
{
    public sealed record EnvironmentView(string Id, string Name, string Mode, JsonElement? Metadata);
    /// <param name="ApiVersion">Quiltt pins a version per key; Tessera keys all answer <see cref="Http.QuilttVersion.Current"/> by default.</param>
    public sealed record ApiKeyView(string Id, string Name, string ApiVersion, JsonElement? Metadata, EnvironmentView Environment);

    public static IEndpointRouteBuilder MapIntrospectionApi(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/v1/introspect/api_key", Introspect).RequireApiKey().WithTags("Introspection")
            .WithSummary("Describe the presented API key secret and its environment").WithName("IntrospectApiKey");
        return routes;
    }

    private static Ok<ApiKeyView> Introspect(HttpContext http)
    {
        var caller = http.ApiKeyCaller();
        var environment = caller.Environment;
        return TypedResults.Ok(new ApiKeyView(caller.Key.Id, caller.Key.Name, Http.QuilttVersion.Current, Json(caller.Key.MetadataJson),
            new EnvironmentView(environment.Id, environment.Name, ModeName(environment.Mode), Json(environment.MetadataJson))));
    }

    public static string ModeName(EnvironmentMode mode) => mode.ToString().ToUpperInvariant();

    private static JsonElement? Json(string? raw) => raw is null ? null : JsonDocument.Parse(raw).RootElement.Clone();
}
