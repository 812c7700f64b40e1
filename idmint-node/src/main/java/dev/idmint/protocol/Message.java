package dev.idmint.protocol;

/** A Maelstrom envelope: {@code {"src":..,"dest":..,"body":{..}}}. */
public record Message(String src, String dest, Body body) {}
