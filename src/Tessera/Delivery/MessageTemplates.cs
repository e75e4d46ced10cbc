using System.Net;

namespace Tessera.Delivery;

/// <summary>The texts Tessera sends, naming the app (the client's name) the user is signing in to.</summary>
public static class MessageTemplates
{
    public static MessageContent PasscodeEmail(string appName, string code, TimeSpan validFor)
    {
        var minutes = (int)Math.Round(validFor.TotalMinutes);
        var subject = $"{code} is your {appName} sign-in code";
        var text = $"""
            Your {appName} sign-in code is {code}

            It expires in {minutes} minutes. If you did not ask for it, ignore this email: nobody can sign in without the code.
            """;
        var app = WebUtility.HtmlEncode(appName);
        var html = $"""
            <!doctype html>
            <html><body style="font-family: -apple-system, Segoe UI, Roboto, sans-serif; color: #111;">
              <p>Your {app} sign-in code is</p>
              <p style="font-size: 28px; font-weight: 600; letter-spacing: 4px;">{code}</p>
              <p>It expires in {minutes} minutes. If you did not ask for it, ignore this email: nobody can sign in without the code.</p>
            </body></html>
            """;
        return new MessageContent(subject, text, html);
    }

    public static MessageContent PasscodeSms(string appName, string code, TimeSpan validFor) =>
        new($"{appName} sign-in code", $"{code} is your {appName} sign-in code. It expires in {(int)Math.Round(validFor.TotalMinutes)} minutes.", null);
}
