using System.Numerics;
using Backprop.Model;

namespace Backprop.IO;

/// <summary><c>network.Save(path)</c> and <c>Network&lt;T&gt;.Load(path)</c>: the network format (<c>backprop.network/1</c>) on a network.</summary>
public static class NetworkPersistence
{
    /// <summary>Saving and loading a <see cref="Network{T}"/>.</summary>
    /// <param name="network">The network.</param>
    /// <typeparam name="T">float or double.</typeparam>
    extension<T>(Network<T> network) where T : unmanaged, IFloatingPointIeee754<T>
    {
        /// <summary>
        /// Writes the layers, weights and loss to <paramref name="path"/> atomically: readers see the old file or
        /// the new one, never half of one. Every weight reads back bit for bit.
        /// </summary>
        /// <param name="path">The file to write (JSON).</param>
        /// <exception cref="BackpropException">The file cannot be written, or a weight is not finite.</exception>
        public void Save(string path) => NetworkJson.Save(NetworkSpec.From(network), path);

        /// <summary>Reads a network written by <c>Save</c> (or by hand, or by the CLI's <c>train --out</c>).</summary>
        /// <param name="path">The JSON file.</param>
        /// <exception cref="BackpropException">The file is missing or not a valid network; the message says where.</exception>
        public static Network<T> Load(string path) => NetworkJson.Load(path).Build<T>();
    }
}
