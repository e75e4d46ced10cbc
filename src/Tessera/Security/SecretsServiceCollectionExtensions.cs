using Tessera.Security;

namespace Tessera;

public static class SecretsServiceCollectionExtensions
{
    /// <summary>The master key (<c>Secrets</c> options) and the protector that encrypts stored secrets under it.</summary>
    public static IServiceCollection AddTesseraSecrets(this IServiceCollection services)
    {
        services.AddOptions<SecretsOptions>().BindConfiguration("Secrets");
        services.AddSingleton<MasterKeyProvider>();
        services.AddSingleton<SecretProtector>();
        return services;
    }
}
