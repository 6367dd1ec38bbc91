/**
 * Child processes with asyncio's interface: {@link io.github.asyncio4j.process.Subprocess} ({@code exec},
 * {@code shell}, pipes as streams, {@code waitFor}, {@code communicate}, {@code terminate}, {@code kill}).
 */
package io.github.asyncio4j.process;
