using System.CommandLine;
using Tessera.Cli;

namespace Tessera.ApiKeys;

/// <summary><c>tessera api-keys</c>: create, list and revoke the keys backends call Tessera with.</summary>
internal static class ApiKeyCommands
{
    internal static Command ApiKeys()
    {
        var environment = new Option<string>("--environment") { Description = "Environment id or name", Required = true };
        var name = new Option<string>("--name") { Description = "What the key is for", DefaultValueFactory = _ => "default" };
        var create = new Command("create", "Create an API key (its secret is printed once)") { environment, name };
        create.SetAction((parse, ct) => TesseraCli.WithEnvironmentAsync(parse, parse.GetValue(environment)!, async (services, env, cancellationToken) =>
        {
            var created = await services.GetRequiredService<ApiKeyAdmin>().CreateAsync(env.Id, parse.GetValue(name)!, cancellationToken);
            TesseraCli.Output(parse, new { id = created.Key.Id, name = created.Key.Name, environmentId = env.Id, secret = created.Secret }, () =>
            {
                Console.WriteLine($"Created API key {created.Key.Id} in {env.Name}.");
                Console.WriteLine($"Secret (shown once, store it now): {created.Secret}");
            });
            return 0;
        }, ct));

        var listEnvironment = new Option<string>("--environment") { Description = "Environment id or name" };
        var list = new Command("list", "List API keys (never their secrets)") { listEnvironment };
        list.SetAction((parse, ct) => TesseraCli.WithOptionalEnvironmentAsync(parse, parse.GetValue(listEnvironment), async (services, env, cancellationToken) =>
        {
            var rows = await services.GetRequiredService<ApiKeyAdmin>().ListAsync(env?.Id, cancellationToken);
            TesseraCli.Output(parse, rows.Select(k => new { id = k.Id, name = k.Name, environmentId = k.EnvironmentId, secretHint = k.SecretHint + "…", createdAt = k.CreatedAt, revokedAt = k.RevokedAt }),
                () => TesseraCli.Table(["ID", "NAME", "ENVIRONMENT", "SECRET", "STATUS"],
                    rows.Select(k => new[] { k.Id, k.Name, k.EnvironmentId, k.SecretHint + "…", k.RevokedAt is null ? "active" : "revoked " + TesseraCli.Iso(k.RevokedAt.Value) })));
            return 0;
        }, ct));

        var id = new Argument<string>("id") { Description = "The API key id (api_…)" };
        var revoke = new Command("revoke", "Revoke an API key") { id };
        revoke.SetAction((parse, ct) => TesseraCli.WithServicesAsync(parse, async (services, cancellationToken) =>
        {
            if (!await services.GetRequiredService<ApiKeyAdmin>().RevokeAsync(parse.GetValue(id)!, cancellationToken))
                return TesseraCli.Fail($"No active API key '{parse.GetValue(id)}'.");
            TesseraCli.Output(parse, new { id = parse.GetValue(id), revoked = true }, () => Console.WriteLine($"Revoked {parse.GetValue(id)}."));
            return 0;
        }, ct));
        return new Command("api-keys", "Manage API keys") { create, list, revoke };
    }
}
