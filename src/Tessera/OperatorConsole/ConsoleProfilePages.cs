using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Tessera.Audit;
using Tessera.Data;
using Tessera.Profiles;
using Tessera.Sessions;
using static Tessera.OperatorConsole.ConsoleLayout;
using static Tessera.OperatorConsole.Html;

namespace Tessera.OperatorConsole;

/// <summary>Profiles: search, detail with sessions, connections and accounts; revoke, disable, delete.</summary>
public static partial class ConsoleApi
{
    private static void MapProfilePages(RouteGroupBuilder pages)
    {
        pages.MapGet("/env/{env}/profiles", ProfilesAsync);
        pages.MapGet("/env/{env}/profiles/{id}", ProfileAsync);
        pages.MapPost("/env/{env}/profiles/{id}/sessions/revoke-all", RevokeAllSessionsAsync);
        pages.MapPost("/env/{env}/profiles/{id}/sessions/{sessionId}/revoke", RevokeSessionAsync);
        pages.MapPost("/env/{env}/profiles/{id}/disable", (HttpContext http, TesseraDbContext db, ProfileStore profiles, RevocationList revocations, AuditLog audit, TimeProvider clock, string env, string id) =>
            SetDisabledAsync(http, db, profiles, revocations, audit, clock, env, id, disabled: true));
        pages.MapPost("/env/{env}/profiles/{id}/enable", (HttpContext http, TesseraDbContext db, ProfileStore profiles, RevocationList revocations, AuditLog audit, TimeProvider clock, string env, string id) =>
            SetDisabledAsync(http, db, profiles, revocations, audit, clock, env, id, disabled: false));
        pages.MapPost("/env/{env}/profiles/{id}/delete", DeleteProfileAsync);
    }

    private const int ProfilesListed = 50;

    /// <summary>
    /// One box finds a profile by email, phone (E.164), uuid or id; empty, it lists the newest. Every query is
    /// bound to the environment in the path.
    /// </summary>
    private static async Task<ContentHttpResult> ProfilesAsync(HttpContext http, TesseraDbContext db, string env, string? q)
    {
        var environment = await FindEnvironmentAsync(db, env, http.RequestAborted);
        if (environment is null) return NotFoundPage(http, "environment");
        var query = db.Profiles.AsNoTracking().Where(p => p.EnvironmentId == environment.Id);
        var search = q?.Trim() ?? "";
        if (search.Length > 320) search = search[..320];
        if (search.Length > 0)
        {
            if (Security.Ids.IsProfileId(search)) query = query.Where(p => p.Id == search);
            else if (Guid.TryParse(search, out var uuid)) query = query.Where(p => p.Uuid == uuid);
            else if (search.StartsWith('+'))
            {
                var phone = new string(search.Where(c => c == '+' || char.IsAsciiDigit(c)).ToArray());
                query = query.Where(p => p.Phone == phone);
            }
            else
            {
                var email = Identifiers.NormalizeEmail(search);
                query = email is null ? query.Where(_ => false) : query.Where(p => p.Email == email);
            }
        }
        var rows = await query.OrderByDescending(p => p.CreatedAt).Take(ProfilesListed).ToListAsync(http.RequestAborted);
        var table = Table(["Profile", "Email", "Phone", "Created", "State"], rows.Select(p => new[]
        {
            H($"""<a href="/console/env/{environment.Id}/profiles/{p.Id}">{p.Id}</a>"""), Text(p.Email), Text(p.Phone), H($"{p.CreatedAt}"),
            Text(p.DisabledAt is null ? "active" : "disabled"),
        }), search.Length > 0 ? "No profile matches." : "No profile yet.");
        return Page(http, $"Profiles · {environment.Name}", H($"""
            {NoticeFor(http)}
            <form method="get" action="/console/env/{environment.Id}/profiles" class="search" role="search">
            <label for="q">Email, phone, uuid or id</label>
            <input id="q" name="q" type="search" value="{search}" maxlength="320">
            <button type="submit">Find</button></form>
            {table}
            """), environment.Id);
    }

    private static async Task<ContentHttpResult> ProfileAsync(HttpContext http, TesseraDbContext db, ProfileStore profiles, TimeProvider clock, string env, string id)
    {
        var environment = await FindEnvironmentAsync(db, env, http.RequestAborted);
        if (environment is null) return NotFoundPage(http, "environment");
        var profile = await profiles.FindAsync(environment.Id, id, http.RequestAborted);
        if (profile is null) return NotFoundPage(http, "profile");
        var now = clock.GetUtcNow().UtcDateTime;
        var sessions = await db.Sessions.AsNoTracking().Where(s => s.ProfileId == profile.Id && s.RevokedAt == null && s.ExpiresAt > now)
            .OrderByDescending(s => s.IssuedAt).Take(200).ToListAsync(http.RequestAborted);
        var connections = await db.Connections.AsNoTracking().Where(c => c.EnvironmentId == environment.Id && c.ProfileId == profile.Id)
            .OrderBy(c => c.CreatedAt).Take(200).ToListAsync(http.RequestAborted);
        var accounts = await db.Accounts.AsNoTracking().Where(a => a.EnvironmentId == environment.Id && a.ProfileId == profile.Id)
            .OrderBy(a => a.CreatedAt).Take(500).ToListAsync(http.RequestAborted);
        var basePath = $"/console/env/{environment.Id}/profiles/{profile.Id}";

        var details = H($"""
            <dl class="details">
            <dt>Id</dt><dd class="id">{profile.Id}</dd><dt>UUID</dt><dd class="id">{profile.Uuid}</dd>
            <dt>Email</dt><dd>{profile.Email} {(profile.EmailVerifiedAt is null ? Empty : Text("(verified)"))}</dd>
            <dt>Phone</dt><dd>{profile.Phone} {(profile.PhoneVerifiedAt is null ? Empty : Text("(verified)"))}</dd>
            <dt>Name</dt><dd>{profile.Name}</dd>
            <dt>Created</dt><dd>{profile.CreatedAt}</dd>
            <dt>State</dt><dd>{(profile.DisabledAt is null ? Text("active") : H($"disabled since {profile.DisabledAt}"))}</dd>
            </dl>
            <div class="actions">
            {(profile.DisabledAt is null ? Action(http, basePath + "/disable", "Disable profile", danger: true) : Action(http, basePath + "/enable", "Enable profile"))}
            {Action(http, basePath + "/delete", "Delete profile", H($"""<label><input type="checkbox" name="confirm" value="yes" required> I mean it</label>"""), danger: true)}
            </div>
            """);
        var sessionTable = Table(["Session", "Kind", "Issued", "Expires", "Issued by", "IP", ""], sessions.Select(s => new[]
        {
            H($"""<span class="id">{s.Id}</span>"""), Text(s.Kind.ToString().ToLowerInvariant()), H($"{s.IssuedAt}"), H($"{s.ExpiresAt}"),
            Text(s.IssuedBy), Text(s.IpAddress), Action(http, $"{basePath}/sessions/{s.Id:D}/revoke", "Revoke", danger: true),
        }), "No live session.");
        var connectionTable = Table(["Connection", "Provider", "Status", "Institution", "Created"], connections.Select(c => new[]
        {
            H($"""<span class="id">{c.Id}</span>"""), Text(c.Provider.ToString()), Text(c.Status.ToString()), Text(c.InstitutionName), H($"{c.CreatedAt}"),
        }), "No connection.");
        var accountTable = Table(["Account", "Name", "Mask", "Type", "State", "Connection"], accounts.Select(a => new[]
        {
            H($"""<span class="id">{a.Id}</span>"""), Text(a.Name), Text(a.Mask), Text(a.Type.ToString()), Text(a.State.ToString()), H($"""<span class="id">{a.ConnectionId}</span>"""),
        }), "No account.");
        return Page(http, $"Profile {profile.Email ?? profile.Phone ?? profile.Id}", H($"""
            {NoticeFor(http)}
            {details}
            <h2>Live sessions ({sessions.Count})</h2>
            {Html.When(sessions.Count > 0, Action(http, basePath + "/sessions/revoke-all", "Revoke all sessions", danger: true))}
            {sessionTable}
            <h2>Connections</h2>{connectionTable}
            <h2>Accounts</h2>{accountTable}
            """), environment.Id);
    }

    private static async Task<Results<RedirectHttpResult, ContentHttpResult>> RevokeAllSessionsAsync(HttpContext http, TesseraDbContext db, ProfileStore profiles, SessionService sessions, AuditLog audit, string env, string id)
    {
        var revoked = await SessionManagementApi.RevokeAllOfProfileAsync(db, profiles, sessions, audit, env, id, http.ConsoleCaller().Actor, Http.Credentials.ClientIp(http), http.RequestAborted);
        return revoked is null ? NotFoundPage(http, "profile") : TypedResults.Redirect($"/console/env/{env}/profiles/{id}?done=sessions-revoked");
    }

    private static async Task<Results<RedirectHttpResult, ContentHttpResult>> RevokeSessionAsync(HttpContext http, TesseraDbContext db, ProfileStore profiles, SessionService sessions, AuditLog audit, TimeProvider clock, string env, string id, string sessionId)
    {
        return await SessionManagementApi.RevokeOneOfProfileAsync(db, profiles, sessions, audit, clock, env, id, sessionId, http.ConsoleCaller().Actor, Http.Credentials.ClientIp(http), http.RequestAborted) switch
        {
            SessionManagementApi.RevokeOneOutcome.NoProfile => NotFoundPage(http, "profile"),
            SessionManagementApi.RevokeOneOutcome.NoSession => NotFoundPage(http, "live session"),
            _ => TypedResults.Redirect($"/console/env/{env}/profiles/{id}?done=session-revoked"),
        };
    }

    private static async Task<Results<RedirectHttpResult, ContentHttpResult>> SetDisabledAsync(HttpContext http, TesseraDbContext db, ProfileStore profiles, RevocationList revocations, AuditLog audit, TimeProvider clock, string env, string id, bool disabled)
    {
        var changed = await ProfilesApi.SetDisabledAsync(db, profiles, revocations, audit, clock, env, id, disabled, http.ConsoleCaller().Actor, Http.Credentials.ClientIp(http), http.RequestAborted);
        if (changed is null) return NotFoundPage(http, "profile");
        return TypedResults.Redirect($"/console/env/{env}/profiles/{id}" + (changed.Value ? (disabled ? "?done=profile-disabled" : "?done=profile-enabled") : ""));
    }

    private static async Task<Results<RedirectHttpResult, ContentHttpResult>> DeleteProfileAsync(HttpContext http, TesseraDbContext db, ProfileStore profiles, SessionService sessions, AuditLog audit, string env, string id)
    {
        if (http.Request.Form.Text("confirm") != "yes") return Invalid(http, "Tick the confirmation box to delete a profile.", env);
        if (!await ProfilesApi.DeleteProfileAsync(db, profiles, sessions, audit, env, id, http.ConsoleCaller().Actor, Http.Credentials.ClientIp(http), http.RequestAborted))
            return NotFoundPage(http, "profile");
        return TypedResults.Redirect($"/console/env/{env}/profiles?done=profile-deleted");
    }
}
