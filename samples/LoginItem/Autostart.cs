using System.Text;

namespace Example.LoginItem;

/// <summary>
/// The XDG autostart entry that makes this program a login item: desktop sessions (GNOME, KDE, Xfce…) start every
/// <c>~/.config/autostart/*.desktop</c> entry at login.
/// </summary>
internal static class Autostart
{
    public const string FileName = "com.example.clock-login-item.desktop";

    /// <summary>The entry, starting this very program with <c>run</c>.</summary>
    public static string Entry()
    {
        // Run through the apphost when there is one, else through the dotnet host that runs us now.
        var processPath = Environment.ProcessPath ?? "dotnet";
        var command = Path.GetFileNameWithoutExtension(processPath) == "dotnet"
            ? $"{Quote(processPath)} {Quote(Path.Combine(AppContext.BaseDirectory, "LoginItem.dll"))} run"
            : $"{Quote(processPath)} run";
        return new StringBuilder()
            .Append("[Desktop Entry]\n")
            .Append("Type=Application\n")
            .Append("Name=Clock login item\n")
            .Append("Comment=Greets you at login with the time, from the per-user clock agent\n")
            .Append("Exec=").Append(command).Append('\n')
            .Append("NoDisplay=true\n")
            .Append("X-GNOME-Autostart-enabled=true\n")
            .ToString();
    }

    /// <summary>Where the entry goes: <c>$XDG_CONFIG_HOME/autostart</c>, else <c>~/.config/autostart</c>.</summary>
    public static string EntryPath()
    {
        var config = Environment.GetEnvironmentVariable("XDG_CONFIG_HOME") is { Length: > 0 } xdg && Path.IsPathFullyQualified(xdg)
            ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".config");
        return Path.Combine(config, "autostart", FileName);
    }

    // The desktop entry specification's quoting: double quotes, with ", `, $ and \ escaped.
    private static string Quote(string argument)
    {
        var escaped = new StringBuilder();
        foreach (var c in argument)
        {
            if (c is '"' or '`' or '$' or '\\')
            {
                escaped.Append('\\');
            }

            escaped.Append(c);
        }

        return $"\"{escaped}\"";
    }
}
