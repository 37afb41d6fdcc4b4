using System.Text;

namespace ContractGen.CodeAnalysis;

/// <summary>FNV-1a hashes of UTF-8 text: tiny, stable across platforms and runtimes, good enough for identifiers (collisions are diagnosed).</summary>
internal static class Fnv
{
    public static uint Hash32(string text)
    {
        var hash = 2166136261u;
        foreach (var b in Encoding.UTF8.GetBytes(text))
        {
            hash = unchecked((hash ^ b) * 16777619u);
        }

        return hash;
    }

    public static ulong Hash64(string text)
    {
        var hash = 14695981039346656037ul;
        foreach (var b in Encoding.UTF8.GetBytes(text))
        {
            hash = unchecked((hash ^ b) * 1099511628211ul);
        }

        return hash;
    }
}
