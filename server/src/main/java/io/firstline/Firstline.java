package io.firstline; public final class Firstline { public static void main(String[] a) {} }
