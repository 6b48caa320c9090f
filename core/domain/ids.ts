/** Every ID we issue (cases, forms, agreements, rounds) is a UUID; anything else is refused early. */
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
