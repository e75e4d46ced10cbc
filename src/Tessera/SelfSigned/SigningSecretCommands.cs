using System.CommandLine;
using Tessera.Cli;

namespace Tessera.SelfSigned;

/// <summary><c>tessera signing-secrets</c>: the secrets customers sign their own session tokens with.</summary>
internal static class SigningSecretCommands
{
    internal static Command SigningSecrets()
    {
        var environment = new Option<string>("--environment") { Description = "Environment id or name", Required = true };
        var publicKey = new Option<FileInfo>("--public-key") { Description = "Register your public key instead (PEM or JWK; P-256 → ES256, RSA → RS256): Tessera never sees the private key" };
        var create = new Command("create", "Create a signing secret for self-signed sessions (printed once), or register a public key") { environment, publicKey };
        create.SetAction((parse, ct) => TesseraCli.WithEnvironmentAsync(parse, parse.GetValue(environment)!, async (services, env, cancellationToken) =>
        {
            if (parse.GetValue(publicKey) is { } file)
            {
                if (!file.Exists) return TesseraCli.Fail($"No file {file.FullName}.");
                if (!PublicKeys.TryParse(await File.ReadAllTextAsync(file.FullName, cancellationToken), out var parsed, out var error)) return TesseraCli.Fail(error!);
                var registered = await services.GetRequiredService<SigningSecretAdmin>().CreatePublicKeyAsync(env.Id, parsed!, cancellationToken);
                TesseraCli.Output(parse, new { id = registered.Id, environmentId = env.Id, algorithm = registered.Algorithm },
                    () => Console.WriteLine($"Registered {registered.Algorithm} public key {registered.Id} in {env.Name}. Sign tokens with header alg={registered.Algorithm}, kid={registered.Id}."));
                return 0;
            }
            var created = await services.GetRequiredService<SigningSecretAdmin>().CreateAsync(env.Id, cancellationToken);
            TesseraCli.Output(parse, new { id = created.Secret.Id, environmentId = env.Id, secret = created.Value }, () =>
            {
                Console.WriteLine($"Created signing secret {created.Secret.Id} in {env.Name}. Sign tokens with header kid={created.Secret.Id}.");
                Console.WriteLine($"Secret (shown once, store it now): {created.Value}");
            });
            return 0;
        }, ct));

        var listEnvironment = new Option<string>("--environment") { Description = "Environment id or name", Required = true };
        var list = new Command("list", "List signing secrets (never the secrets themselves)") { listEnvironment };
        list.SetAction((parse, ct) => TesseraCli.WithEnvironmentAsync(parse, parse.GetValue(listEnvironment)!, async (services, env, cancellationToken) =>
        {
            var rows = await services.GetRequiredService<SigningSecretAdmin>().ListAsync(env.Id, cancellationToken);
            TesseraCli.Output(parse, rows.Select(s => new { id = s.Id, environmentId = s.EnvironmentId, algorithm = s.Algorithm ?? "HS512/HS256", secretHint = s.SecretHint + "…", createdAt = s.CreatedAt, revokedAt = s.RevokedAt }),
                () => TesseraCli.Table(["ID", "SECRET", "CREATED", "STATUS"],
                    rows.Select(s => new[] { s.Id, s.SecretHint + "…", TesseraCli.Iso(s.CreatedAt), s.RevokedAt is null ? "active" : "revoked " + TesseraCli.Iso(s.RevokedAt.Value) })));
            return 0;
        }, ct));

        var id = new Argument<string>("id") { Description = "The signing secret id (ss_…)" };
        var revoke = new Command("revoke", "Revoke a signing secret: every token it signed stops working everywhere") { id };
        revoke.SetAction((parse, ct) => TesseraCli.WithServicesAsync(parse, async (services, cancellationToken) =>
        {
            if (!await services.GetRequiredService<SigningSecretAdmin>().RevokeAsync(parse.GetValue(id)!, cancellationToken))
                return TesseraCli.Fail($"No active signing secret '{parse.GetValue(id)}'.");
            TesseraCli.Output(parse, new { id = parse.GetValue(id), revoked = true }, () => Console.WriteLine($"Revoked {parse.GetValue(id)}."));
            return 0;
        }, ct));
        return new Command("signing-secrets", "Manage secrets for self-signed sessions") { create, list, revoke };
    }
}
