using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Tessera.Clients;
using Tessera.Data;
using Tessera.Delivery;
using Tessera.Environments;
using Tessera.Http;
using Tessera.Profiles;
using Tessera.Sessions;

namespace Tessera.Passcodes;

/// <summary>
/// Passwordless sign-up and sign-in from browsers and apps (no credential): identify with an email or phone, then
/// authenticate with the one-time passcode sent to it.
/// </summary>
public static class PasswordlessApi
{
    public static IEndpointRouteBuilder MapPasswordlessApi(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/v1/users/session", IdentifyOrAuthenticateAsync).WithTags("Passwordless")
            .WithSummary("Identify (sign up or send a passcode); with a passcode, authenticate");
        routes.MapPut("/v1/users/session", AuthenticateAsync).WithTags("Passwordless")
            .WithSummary("Trade a passcode for a session token");
        return routes;
    }

    private static async Task<IResult> IdentifyOrAuthenticateAsync(HttpContext http, PasscodeSignIn signIn)
    {
        var body = await JsonBody.ReadObjectAsync(http.Request, emptyIsObject: false, http.RequestAborted);
        if (body.Error is { } error) return error;
        var errors = new ValidationErrors();
        var request = PasswordlessRequest.Parse(body.Root, errors);
        if (errors.Any) return errors.ToResult();
        return request.HasPasscode
            ? await signIn.AuthenticateAsync(http, request, http.RequestAborted)
            : await signIn.IdentifyAsync(http, request, http.RequestAborted);
    }

    private static async Task<IResult> AuthenticateAsync(HttpContext http, PasscodeSignIn signIn)
    {
        var body = await JsonBody.ReadObjectAsync(http.Request, emptyIsObject: false, http.RequestAborted);
        if (body.Error is { } error) return error;
        var errors = new ValidationErrors();
        var request = PasswordlessRequest.Parse(body.Root, errors);
        if (!request.HasPasscode) errors.Add("passcode", "is required");
        if (errors.Any) return errors.ToResult();
        return await signIn.AuthenticateAsync(http, request, http.RequestAborted);
    }
}
