using System.CommandLine;
using Microsoft.Extensions.Options;
using Tessera.Cli;

namespace Tessera.OperatorConsole;

/// <summary><c>tessera console</c>: sign-in links to the browser console, and its sessions.</summary>
internal static class ConsoleCommands
{
    internal static Command Console()
    {
        var role = new Option<string>("--role") { Description = "viewer (read only) or admin", DefaultValueFactory = _ => "viewer" };
        var operatorName = new Option<string>("--operator") { Description = "Who you are, for the audit log (letters, digits, . _ - @)", DefaultValueFactory = _ => DefaultOperator() };
        var url = new Option<string>("--url") { Description = "The server's address as your browser reaches it (default: Console:BaseUrl)" };
        var open = new Command("open", "Print a single-use sign-in link to the console, valid a few minutes") { role, operatorName, url };
        open.SetAction((parse, ct) => TesseraCli.WithServicesAsync(parse, async (services, cancellationToken) =>
        {
            ConsoleRole? parsed = parse.GetValue(role) switch { "viewer" => ConsoleRole.Viewer, "admin" => ConsoleRole.Admin, _ => null };
            if (parsed is null) return TesseraCli.Fail("--role must be viewer or admin.");
            var name = parse.GetValue(operatorName)!;
            if (!ConsoleAccess.IsValidOperatorName(name)) return TesseraCli.Fail("--operator must be 1 to 48 letters, digits or . _ - @.");
            var baseUrl = parse.GetValue(url) ?? services.GetRequiredService<IOptions<ConsoleOptions>>().Value.BaseUrl;
            if (!Uri.TryCreate(baseUrl, UriKind.Absolute, out var baseUri) || (baseUri.Scheme != Uri.UriSchemeHttp && baseUri.Scheme != Uri.UriSchemeHttps))
                return TesseraCli.Fail("--url must be an absolute http or https URL.");
            var created = await services.GetRequiredService<ConsoleSignIn>().CreateLinkAsync(name, parsed.Value, cancellationToken);
            var link = baseUrl.TrimEnd('/') + "/console/open?token=" + Uri.EscapeDataString(created.Token);
            TesseraCli.Output(parse, new { url = link, @operator = name, role = ConsoleSignIn.Name(parsed.Value), expiresAt = created.Link.ExpiresAt }, () =>
            {
                System.Console.WriteLine($"Console sign-in link for {name} ({ConsoleSignIn.Name(parsed.Value)}), single use, until {TesseraCli.Iso(created.Link.ExpiresAt)}:");
                System.Console.WriteLine($"  {link}");
            });
            return 0;
        }, ct));

        var limit = new Option<int>("--limit") { Description = "How many, newest first", DefaultValueFactory = _ => 50 };
        var list = new Command("list", "List console sessions") { limit };
        list.SetAction((parse, ct) => TesseraCli.WithServicesAsync(parse, async (services, cancellationToken) =>
        {
            var options = services.GetRequiredService<IOptions<ConsoleOptions>>().Value;
            var now = services.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime;
            var rows = await services.GetRequiredService<ConsoleSignIn>().ListAsync(Math.Clamp(parse.GetValue(limit), 1, 10_000), cancellationToken);
            string State(ConsoleSession s) => ConsoleAccess.Decide(s, now, options, needsAdmin: false) switch
            {
                ConsoleAccessDecision.Allowed => "active",
                ConsoleAccessDecision.Revoked => "revoked",
                ConsoleAccessDecision.SignedOut => "signed out",
                _ => "expired",
            };
            TesseraCli.Output(parse, rows.Select(s => new { id = s.Id, @operator = s.Operator, role = ConsoleSignIn.Name(s.Role), state = State(s), createdAt = s.CreatedAt, lastSeenAt = s.LastSeenAt, ip = s.IpAddress }),
                () => TesseraCli.Table(["ID", "OPERATOR", "ROLE", "STATE", "STARTED", "LAST SEEN", "IP"],
                    rows.Select(s => new[] { s.Id, s.Operator, ConsoleSignIn.Name(s.Role), State(s), TesseraCli.Iso(s.CreatedAt), TesseraCli.Iso(s.LastSeenAt), s.IpAddress ?? "" })));
            return 0;
        }, ct));

        var id = new Argument<string>("id") { Description = "The console session id (css_…)" };
        var revoke = new Command("revoke", "End a console session at once") { id };
        revoke.SetAction((parse, ct) => TesseraCli.WithServicesAsync(parse, async (services, cancellationToken) =>
        {
            if (!await services.GetRequiredService<ConsoleSignIn>().RevokeAsync(parse.GetValue(id)!, cancellationToken))
                return TesseraCli.Fail($"No console session '{parse.GetValue(id)}' to revoke.");
            TesseraCli.Output(parse, new { id = parse.GetValue(id), revoked = true }, () => System.Console.WriteLine($"Revoked {parse.GetValue(id)}."));
            return 0;
        }, ct));

        return new Command("console", "The operator console in the browser (/console)")
        {
            open, new Command("sessions", "Console sessions") { list, revoke },
        };
    }

    private static string DefaultOperator()
    {
        var user = System.Environment.UserName;
        return ConsoleAccess.IsValidOperatorName(user) ? user : "operator";
    }
}
